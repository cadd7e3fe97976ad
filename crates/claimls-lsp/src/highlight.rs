//! Semantic tokens (full document): every token of every line, by its role in the statement as the
//! engine's parse gives it (`claimls_syntax::reading`).

use super::convert;
use super::snapshot::Snapshot;
use super::statement::Role;
use tower_lsp_server::ls_types::{SemanticToken, SemanticTokenType, SemanticTokens};

/// The legend, in index order.
pub const TOKEN_TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::KEYWORD,     // 0
    SemanticTokenType::CLASS,       // 1 codes, ICD-10-CM
    SemanticTokenType::ENUM_MEMBER, // 2 modifiers, payer kinds, routes, units, POS
    SemanticTokenType::NUMBER,      // 3 numbers, dates, times, counts
    SemanticTokenType::STRING,      // 4
    SemanticTokenType::COMMENT,     // 5
    SemanticTokenType::VARIABLE,    // 6 ids, NDCs, pointers
    SemanticTokenType::FUNCTION,    // 7 drug names
    SemanticTokenType::OPERATOR,    // 8 commas
];

/// The legend index of a role, `None` for tokens left to the client's own highlighting.
pub fn token_type(role: Role) -> Option<u32> {
    Some(match role {
        Role::Keyword | Role::Clause => 0,
        Role::Code | Role::Diagnosis => 1,
        Role::Modifier
        | Role::PayerKind
        | Role::Route
        | Role::DoseUnit
        | Role::NdcUnit
        | Role::PlaceOfService
        | Role::Outcome => 2,
        Role::Number | Role::Units | Role::Charge | Role::Count | Role::Date | Role::Time => 3,
        Role::String => 4,
        Role::Comment => 5,
        Role::ClaimId
        | Role::PatientId
        | Role::Npi
        | Role::AuthNumber
        | Role::DxLetter
        | Role::DxPointer
        | Role::Ndc => 6,
        Role::Drug => 7,
        Role::Comma => 8,
        Role::Other => return None,
    })
}

pub fn tokens(snap: &Snapshot) -> SemanticTokens {
    let mut data = Vec::new();
    let (mut prev_line, mut prev_start) = (0u32, 0u32);
    for line in claimls_syntax::reading::read(&snap.text) {
        for t in &line.statement.tokens {
            let Some(ty) = token_type(t.role) else {
                continue;
            };
            // Positions from the rope: its lines are the client's (a lone CR ends one there).
            let start = convert::byte_to_position(&snap.rope, line.start + t.range.start);
            let end = convert::byte_to_position(&snap.rope, line.start + t.range.end);
            if end.line != start.line || (start.line, start.character) < (prev_line, prev_start) {
                continue;
            }
            let delta_line = start.line - prev_line;
            let delta_start = if delta_line == 0 {
                start.character - prev_start
            } else {
                start.character
            };
            data.push(SemanticToken {
                delta_line,
                delta_start,
                length: end.character - start.character,
                token_type: ty,
                token_modifiers_bitset: 0,
            });
            prev_line = start.line;
            prev_start = start.character;
        }
    }
    SemanticTokens {
        result_id: None,
        data,
    }
}
