//! Semantic tokens (full document): every token of every line, by its role in the statement.

use super::snapshot::Snapshot;
use super::statement::{Role, lex};
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

fn utf16_len(s: &str) -> u32 {
    u32::try_from(s.encode_utf16().count()).unwrap_or(u32::MAX)
}

pub fn tokens(snap: &Snapshot) -> SemanticTokens {
    let mut data = Vec::new();
    let (mut prev_line, mut prev_start) = (0u32, 0u32);
    for (line_no, line) in snap.rope.lines().enumerate() {
        let text = line.to_string();
        let st = lex(&text);
        for t in &st.tokens {
            let Some(ty) = token_type(t.role) else {
                continue;
            };
            let line_no = u32::try_from(line_no).unwrap_or(u32::MAX);
            let start = utf16_len(&text[..t.range.start]);
            let length = utf16_len(&text[t.range.clone()]);
            let delta_line = line_no - prev_line;
            let delta_start = if delta_line == 0 {
                start - prev_start
            } else {
                start
            };
            data.push(SemanticToken {
                delta_line,
                delta_start,
                length,
                token_type: ty,
                token_modifiers_bitset: 0,
            });
            prev_line = line_no;
            prev_start = start;
        }
    }
    SemanticTokens {
        result_id: None,
        data,
    }
}
