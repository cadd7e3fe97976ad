//! The 837P writer: checked drafts, the organisation settings of `claimls.toml` and the patients file
//! become one 005010X222A1 interchange.
//!
//! What the draft says goes where the implementation guide puts it (docs/x12-837p.md has the table);
//! what it does not say comes from configuration, and what neither holds is an [`ExportError`] naming
//! the claim and the statement or setting to add. Nothing is guessed.

use crate::patients::{Patient, Patients};
use crate::segment::Separators;
use claimls_data::CodeData;
use claimls_model::{Claim, Date, Decimal, DxPointer, PayerKind};
use claimls_rules::config::{Config, Organization, X12Payer};
use claimls_rules::context::ClaimCtx;
use std::fmt;

/// The implementation guide this writer follows (GS08, ST03).
pub const VERSION: &str = "005010X222A1";

/// The claims of one draft file.
pub struct DraftFile<'a> {
    /// For messages.
    pub path: &'a str,
    /// The text the claims' spans point into: the whole file, or a piece of it.
    pub text: &'a str,
    /// The line of `path` that `text` starts on (0-based; 0 for a whole file), for messages.
    pub line: usize,
    pub claims: &'a [Claim],
}

/// When and under which control number the interchange is written.
#[derive(Debug, Clone, Copy)]
pub struct Envelope {
    /// ISA13 and GS06 (1–999999999).
    pub control_number: u32,
    pub date: Date,
    /// Hours and minutes.
    pub time: (u8, u8),
}

/// Something the 837P needs that neither the draft nor the configuration holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportError {
    /// `path:line` of the claim (or the configuration file), for the message.
    pub location: String,
    pub claim: Option<String>,
    pub message: String,
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.claim {
            Some(id) => write!(f, "{}: claim {id}: {}", self.location, self.message),
            None => write!(f, "{}: {}", self.location, self.message),
        }
    }
}

/// Segments as they are written, each element checked for the separators it may not contain.
struct Out {
    sep: Separators,
    segments: Vec<String>,
}

impl Out {
    fn seg(&mut self, elements: &[&str]) {
        let mut end = elements.len();
        while end > 1 && elements[end - 1].is_empty() {
            end -= 1;
        }
        let mut s = elements[..end].join(&self.sep.element.to_string());
        s.push(self.sep.segment);
        self.segments.push(s);
    }
    fn comp(&self, parts: &[&str]) -> String {
        let mut end = parts.len();
        while end > 1 && parts[end - 1].is_empty() {
            end -= 1;
        }
        parts[..end].join(&self.sep.component.to_string())
    }
}

/// The characters no value may hold: they separate elements, components, repetitions and segments.
fn has_separator(value: &str, sep: &Separators) -> Option<char> {
    value
        .chars()
        .find(|c| [sep.element, sep.component, sep.repetition, sep.segment].contains(c))
}

/// Money for SV102/CLM02: two decimals at most, no trailing zeros (`103.37`, `50`).
pub fn money(amount: Decimal) -> String {
    amount.round_dp(2).normalize().to_string()
}

fn number(value: Decimal) -> String {
    value.normalize().to_string()
}

fn compact(date: Date) -> String {
    format!("{:04}{:02}{:02}", date.year, date.month, date.day)
}

/// The SBR09 claim filing indicator of a payer kind (overridable per payer in `claimls.toml`).
pub fn filing_code(kind: PayerKind) -> &'static str {
    match kind {
        PayerKind::Medicare => "MB",
        PayerKind::Medicaid => "MC",
        PayerKind::MedicareAdvantage => "16",
        PayerKind::Commercial => "CI",
    }
}

/// Write one interchange for every claim of every file, or every reason it cannot be written.
pub fn export(
    files: &[DraftFile],
    data: &CodeData,
    config: &Config,
    patients: Option<&Patients>,
    envelope: Envelope,
) -> Result<String, Vec<ExportError>> {
    let sep = Separators::default();
    let mut errors = Vec::new();
    let config_location = config
        .path
        .as_ref()
        .map_or("claimls.toml".to_string(), |p| p.display().to_string());
    let setting_error = |message: String| ExportError {
        location: config_location.clone(),
        claim: None,
        message,
    };
    let Some(org) = &config.organization else {
        return Err(vec![setting_error(
            "no `[organization]` table: the 837P's billing provider comes from it (name, npi, tax-id, address, city, state, zip, contact-name, contact-phone; docs/x12-837p.md)".to_string(),
        )]);
    };
    let x12 = &config.x12;
    let required = [
        ("sender-id", &x12.sender_id),
        ("receiver-id", &x12.receiver_id),
        ("receiver-name", &x12.receiver_name),
    ];
    for (key, value) in required {
        if value.as_deref().is_none_or(str::is_empty) {
            errors.push(setting_error(format!(
                "`[x12]` needs `{key}` (the clearinghouse gives the sender and receiver ids)"
            )));
        }
    }
    check_organization(org, &sep, &mut |m| errors.push(setting_error(m)));
    if !errors.is_empty() {
        return Err(errors);
    }
    let sender = x12.sender_id.clone().unwrap_or_default();
    let receiver = x12.receiver_id.clone().unwrap_or_default();
    let receiver_name = x12.receiver_name.clone().unwrap_or_default();
    for (key, value) in [("sender-id", &sender), ("receiver-id", &receiver)] {
        if value.len() > 15 || has_separator(value, &sep).is_some() {
            errors.push(setting_error(format!(
                "`[x12] {key}` must be at most 15 characters without `*`, `:`, `^` or `~`"
            )));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let mut out = Out {
        sep,
        segments: Vec::new(),
    };
    let control = format!("{:09}", envelope.control_number % 1_000_000_000);
    let yymmdd = &compact(envelope.date)[2..];
    let hhmm = format!("{:02}{:02}", envelope.time.0, envelope.time.1);
    let usage = if x12.usage.as_deref() == Some("production") {
        "P"
    } else {
        "T"
    };
    let isa = format!(
        "ISA*00*{:10}*00*{:10}*ZZ*{:15}*ZZ*{:15}*{yymmdd}*{hhmm}*^*00501*{control}*0*{usage}*:~",
        "", "", sender, receiver
    );
    out.segments.push(isa);
    let gs_control = envelope.control_number.to_string();
    out.seg(&[
        "GS",
        "HC",
        &sender,
        &receiver,
        &compact(envelope.date),
        &hhmm,
        &gs_control,
        "X",
        VERSION,
    ]);
    let st_start = out.segments.len();
    out.seg(&["ST", "837", "0001", VERSION]);
    out.seg(&[
        "BHT",
        "0019",
        "00",
        &gs_control,
        &compact(envelope.date),
        &hhmm,
        "CH",
    ]);
    out.seg(&["NM1", "41", "2", &org.name, "", "", "", "", "46", &sender]);
    out.seg(&["PER", "IC", &org.contact_name, "TE", &org.contact_phone]);
    out.seg(&[
        "NM1",
        "40",
        "2",
        &receiver_name,
        "",
        "",
        "",
        "",
        "46",
        &receiver,
    ]);
    out.seg(&["HL", "1", "", "20", "1"]);
    if let Some(taxonomy) = &org.taxonomy {
        out.seg(&["PRV", "BI", "PXC", taxonomy]);
    }
    out.seg(&["NM1", "85", "2", &org.name, "", "", "", "", "XX", &org.npi]);
    address(&mut out, &org.address, org.address2.as_deref());
    out.seg(&["N4", &org.city, &org.state, &org.zip]);
    out.seg(&["REF", "EI", &org.tax_id]);

    let mut hl = 1;
    for file in files {
        for claim in file.claims {
            let location = format!(
                "{}:{}",
                file.path,
                file.line
                    + file.text[..claim.header.start.min(file.text.len())]
                        .matches('\n')
                        .count()
                    + 1
            );
            let mut claim_errors = Vec::new();
            let mut fail = |message: String| {
                claim_errors.push(ExportError {
                    location: location.clone(),
                    claim: Some(claim.id.value.clone()),
                    message,
                })
            };
            let ctx = ClaimCtx::new(claim, file.text, data, config);
            let Some(parts) = claim_parts(&ctx, config, patients, &sep, &mut fail) else {
                errors.extend(claim_errors);
                continue;
            };
            if !claim_errors.is_empty() {
                errors.extend(claim_errors);
                continue;
            }
            hl += 1;
            write_claim(&mut out, hl, claim, org, &parts);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let count = out.segments.len() - st_start + 1;
    out.seg(&["SE", &count.to_string(), "0001"]);
    out.seg(&["GE", "1", &gs_control]);
    out.seg(&["IEA", "1", &control]);
    let mut text = out.segments.join("\n");
    text.push('\n');
    Ok(text)
}

fn address(out: &mut Out, line1: &str, line2: Option<&str>) {
    match line2 {
        Some(l2) => out.seg(&["N3", line1, l2]),
        None => out.seg(&["N3", line1]),
    }
}

fn check_organization(org: &Organization, sep: &Separators, fail: &mut dyn FnMut(String)) {
    if !claimls_rules::codes::npi_valid(&org.npi) {
        fail("`[organization] npi` is not a valid NPI (10 digits with the Luhn check digit over 80840 + the first nine)".to_string());
    }
    if org.tax_id.len() != 9 || !org.tax_id.bytes().all(|b| b.is_ascii_digit()) {
        fail("`[organization] tax-id` must be the 9-digit EIN, without the hyphen".to_string());
    }
    if org.zip.len() != 9 || !org.zip.bytes().all(|b| b.is_ascii_digit()) {
        fail("`[organization] zip` must be the 9-digit ZIP+4 (the 837P requires it for the billing provider), without the hyphen".to_string());
    }
    if org.state.len() != 2 {
        fail("`[organization] state` must be the two-letter state code".to_string());
    }
    if org.contact_phone.len() != 10 || !org.contact_phone.bytes().all(|b| b.is_ascii_digit()) {
        fail("`[organization] contact-phone` must be 10 digits, e.g. \"2175550142\"".to_string());
    }
    let texts = [
        ("name", Some(&org.name)),
        ("address", Some(&org.address)),
        ("address2", org.address2.as_ref()),
        ("city", Some(&org.city)),
        ("contact-name", Some(&org.contact_name)),
        ("taxonomy", org.taxonomy.as_ref()),
    ];
    for (key, value) in texts {
        if let Some(c) = value.and_then(|v| has_separator(v, sep)) {
            fail(format!(
                "`[organization] {key}` contains `{c}`, which separates X12 values: leave it out"
            ));
        }
    }
}

/// A billed line, resolved for SV1.
struct LineParts {
    code: String,
    modifiers: Vec<String>,
    charge: Decimal,
    units: Decimal,
    pointers: Vec<usize>,
    dos: Date,
    ndc: Option<(String, Decimal, &'static str)>,
}

struct ClaimParts<'a> {
    payer: &'a X12Payer,
    filing: String,
    patient: &'a Patient,
    member_id: String,
    pos: String,
    dxs: Vec<String>,
    auth: Option<String>,
    note: Option<String>,
    rendering: Option<(String, String, Option<String>, Option<String>)>,
    lines: Vec<LineParts>,
}

fn claim_parts<'a>(
    ctx: &ClaimCtx,
    config: &'a Config,
    patients: Option<&'a Patients>,
    sep: &Separators,
    fail: &mut dyn FnMut(String),
) -> Option<ClaimParts<'a>> {
    let claim = ctx.claim;
    if claim.id.value.len() > 38 {
        fail(
            "the claim id is longer than 38 characters, the most CLM01 holds: shorten it"
                .to_string(),
        );
    }
    let Some(payer) = &claim.payer else {
        fail("no `payer`: write `payer medicare` (or medicaid, medicare-advantage, commercial \"<name>\")".to_string());
        return None;
    };
    let name = payer.name.as_ref().map(|n| n.value.as_str());
    let Some(payer_ids) = config.x12.payer(payer.kind.value, name) else {
        let key = name.unwrap_or(payer.kind.value.keyword());
        fail(format!(
            "payer `{key}` has no payer id: add `[x12.payers.\"{key}\"]` with `id` and `name` to claimls.toml"
        ));
        return None;
    };
    let filing = payer_ids
        .filing_code
        .clone()
        .unwrap_or_else(|| filing_code(payer.kind.value).to_string());
    let Some(patient_id) = &claim.patient else {
        fail("no `patient`: write `patient <member id>` (the subscriber's member id)".to_string());
        return None;
    };
    let Some(patients) = patients else {
        fail("the 837P needs the patient's name, birth date, sex and address: pass `--patients FILE` (docs/x12-837p.md)".to_string());
        return None;
    };
    let Some(patient) = patients.get(&patient_id.value) else {
        let file = patients
            .path
            .as_ref()
            .map_or("the patients file".to_string(), |p| p.display().to_string());
        fail(format!(
            "its `patient` is not in {file}: add a `[patients.\"<id>\"]` table for the id written on the claim's `patient` line"
        ));
        return None;
    };
    let patient_texts = [
        ("last-name", Some(&patient.last_name)),
        ("first-name", patient.first_name.as_ref()),
        ("middle-name", patient.middle_name.as_ref()),
        ("address", Some(&patient.address)),
        ("address2", patient.address2.as_ref()),
        ("city", Some(&patient.city)),
        ("group-number", patient.group_number.as_ref()),
    ];
    for (key, value) in patient_texts {
        if let Some(c) = value.and_then(|v| has_separator(v, sep)) {
            fail(format!(
                "the patient's `{key}` in the patients file contains `{c}`, which separates X12 values: leave it out"
            ));
        }
    }
    if let Some(c) = has_separator(&patient_id.value, sep) {
        fail(format!(
            "the `patient` id contains `{c}`, which separates X12 values"
        ));
    }
    let Some(pos) = &claim.pos else {
        fail("no `pos`: write `pos <code>` (11 for an office)".to_string());
        return None;
    };
    if claim.dxs.is_empty() {
        fail("no diagnosis: write `dx A <ICD-10-CM code>`".to_string());
        return None;
    }
    if claim.dxs.len() > 12 {
        fail(format!(
            "{} diagnoses: the 837P holds at most 12 (HI); split the claim",
            claim.dxs.len()
        ));
    }
    let mut letters: Vec<(char, String)> = claim
        .dxs
        .iter()
        .map(|d| (d.letter.value, d.code.value.replace('.', "")))
        .collect();
    letters.sort_by_key(|(letter, _)| *letter);
    let dxs: Vec<String> = letters.iter().map(|(_, c)| c.clone()).collect();
    let pointer_of = |p: &DxPointer| -> Option<usize> {
        match p {
            DxPointer::Letter(l) => letters.iter().position(|(x, _)| x == l),
            DxPointer::Code(c) => {
                let c = c.replace('.', "");
                letters.iter().position(|(_, x)| x.eq_ignore_ascii_case(&c))
            }
        }
        .map(|i| i + 1)
    };
    let auth = claim.auths.first().map(|a| a.number.value.clone());
    if let Some(c) = auth.as_deref().and_then(|a| has_separator(a, sep)) {
        fail(format!(
            "the `auth` number contains `{c}`, which separates X12 values"
        ));
    }
    if claim.auths.len() > 1 {
        fail("more than one `auth`: the 837P holds one prior authorization per claim (REF*G1); keep the one for these services".to_string());
    }
    let note = (!claim.notes.is_empty()).then(|| {
        claim
            .notes
            .iter()
            .map(|n| n.value.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    });
    if let Some(note) = &note {
        if note.chars().count() > 80 {
            fail(format!(
                "the notes are {} characters; the 837P's claim note (NTE) holds 80: shorten them",
                note.chars().count()
            ));
        }
        if let Some(c) = has_separator(note, sep) {
            fail(format!(
                "a `note` contains `{c}`, which separates X12 values: rephrase it without"
            ));
        }
    }
    let org = config.organization.as_ref()?;
    let rendering = match &claim.provider {
        Some(npi) if npi.value != org.npi => match org.providers.get(&npi.value) {
            Some(p) => Some((
                npi.value.clone(),
                p.last_name.clone(),
                p.first_name.clone(),
                p.taxonomy.clone(),
            )),
            None => {
                fail(format!(
                    "provider {} is not the organisation's NPI: name the rendering provider in `[organization.providers.\"{}\"]` (last-name, first-name, taxonomy)",
                    npi.value, npi.value
                ));
                None
            }
        },
        _ => None,
    };
    if claim.lines.is_empty() {
        fail("no billed line: write `line <code> units <n>`".to_string());
    }
    if claim.lines.len() > 50 {
        fail(
            "more than 50 lines: the 837P holds at most 50 per claim; split the claim".to_string(),
        );
    }
    let mut lines = Vec::new();
    for (i, facts) in ctx.lines.iter().enumerate() {
        let line = facts.line;
        let which = format!("line {} ({})", i + 1, line.code.value);
        let Some(units) = &line.units else {
            fail(format!("{which} has no `units`"));
            continue;
        };
        if line.modifiers.len() > 4 {
            fail(format!(
                "{which} has more than 4 modifiers, the most SV101 holds"
            ));
        }
        let charge = match (&line.charge, config.x12.fees.get(&line.code.value)) {
            (Some(c), _) => c.value,
            (None, Some(fee)) => match fee.parse::<Decimal>() {
                Ok(per_unit) => (per_unit * units.value).round_dp(2),
                Err(_) => continue,
            },
            (None, None) => {
                fail(format!(
                    "{which} has no charge: write `charge <amount>` on the line, or set `{} = \"<charge per unit>\"` in `[x12.fees]` of claimls.toml",
                    line.code.value
                ));
                continue;
            }
        };
        let Some(dos) = facts.dos else {
            fail(format!(
                "{which} has no date of service: write `on <date>` on the line (or the `admin` record's `start`)"
            ));
            continue;
        };
        let pointers: Vec<usize> = match &line.dx {
            Some(ptrs) => {
                let mut out = Vec::new();
                for p in ptrs {
                    match pointer_of(&p.value) {
                        Some(n) if !out.contains(&n) => out.push(n),
                        Some(_) => {}
                        None => fail(format!(
                            "{which} points at a diagnosis the claim does not have: point at one of its `dx` letters"
                        )),
                    }
                }
                out
            }
            None => (1..=dxs.len()).collect(),
        };
        if pointers.len() > 4 {
            fail(format!(
                "{which} points at {} diagnoses; the 837P takes 4 pointers a line: write `dx` with the (up to 4) that support it",
                pointers.len()
            ));
        }
        let ndc = match &line.ndc {
            None => None,
            Some(n) => {
                let Some(digits) = &n.ndc.value.digits else {
                    fail(format!(
                        "{which}: the NDC is not 5-4-2 or 11 digits, which the 837P's LIN*N4 needs"
                    ));
                    continue;
                };
                let (Some(qty), Some(unit)) = (&n.quantity, &n.unit) else {
                    fail(format!(
                        "{which}: the NDC has no quantity and unit, which the 837P's CTP needs: write e.g. `ndc {} 20 ML`",
                        n.ndc.value.raw
                    ));
                    continue;
                };
                Some((digits.clone(), qty.value, unit.value.as_str()))
            }
        };
        lines.push(LineParts {
            code: line.code.value.clone(),
            modifiers: line.modifiers.iter().map(|m| m.value.clone()).collect(),
            charge,
            units: units.value,
            pointers,
            dos,
            ndc,
        });
    }
    Some(ClaimParts {
        payer: payer_ids,
        filing,
        patient,
        member_id: patient_id.value.clone(),
        pos: pos.value.clone(),
        dxs,
        auth,
        note,
        rendering,
        lines,
    })
}

fn write_claim(out: &mut Out, hl: usize, claim: &Claim, _org: &Organization, parts: &ClaimParts) {
    let patient = parts.patient;
    out.seg(&["HL", &hl.to_string(), "1", "22", "0"]);
    out.seg(&[
        "SBR",
        "P",
        "18",
        patient.group_number.as_deref().unwrap_or(""),
        "",
        "",
        "",
        "",
        "",
        &parts.filing,
    ]);
    out.seg(&[
        "NM1",
        "IL",
        "1",
        &patient.last_name,
        patient.first_name.as_deref().unwrap_or(""),
        patient.middle_name.as_deref().unwrap_or(""),
        "",
        "",
        "MI",
        &parts.member_id,
    ]);
    address(out, &patient.address, patient.address2.as_deref());
    out.seg(&["N4", &patient.city, &patient.state, &patient.zip]);
    let dob = patient.birth_date().map(compact).unwrap_or_default();
    out.seg(&["DMG", "D8", &dob, &patient.sex]);
    out.seg(&[
        "NM1",
        "PR",
        "2",
        &parts.payer.name,
        "",
        "",
        "",
        "",
        "PI",
        &parts.payer.id,
    ]);
    let total: Decimal = parts.lines.iter().map(|l| l.charge).sum();
    let facility = out.comp(&[&parts.pos, "B", "1"]);
    out.seg(&[
        "CLM",
        &claim.id.value,
        &money(total),
        "",
        "",
        &facility,
        "Y",
        "A",
        "Y",
        "Y",
    ]);
    if let Some(auth) = &parts.auth {
        out.seg(&["REF", "G1", auth]);
    }
    if let Some(note) = &parts.note {
        out.seg(&["NTE", "ADD", note]);
    }
    let mut hi = vec!["HI".to_string()];
    for (i, dx) in parts.dxs.iter().enumerate() {
        let qualifier = if i == 0 { "ABK" } else { "ABF" };
        hi.push(out.comp(&[qualifier, dx]));
    }
    let hi: Vec<&str> = hi.iter().map(String::as_str).collect();
    out.seg(&hi);
    if let Some((npi, last, first, taxonomy)) = &parts.rendering {
        out.seg(&[
            "NM1",
            "82",
            "1",
            last,
            first.as_deref().unwrap_or(""),
            "",
            "",
            "",
            "XX",
            npi,
        ]);
        if let Some(t) = taxonomy {
            out.seg(&["PRV", "PE", "PXC", t]);
        }
    }
    for (i, line) in parts.lines.iter().enumerate() {
        let n = (i + 1).to_string();
        out.seg(&["LX", &n]);
        let mut procedure = vec!["HC", line.code.as_str()];
        procedure.extend(line.modifiers.iter().map(String::as_str));
        let procedure = out.comp(&procedure);
        let pointers: Vec<String> = line.pointers.iter().map(|p| p.to_string()).collect();
        let pointers: Vec<&str> = pointers.iter().map(String::as_str).collect();
        let pointers = out.comp(&pointers);
        out.seg(&[
            "SV1",
            &procedure,
            &money(line.charge),
            "UN",
            &number(line.units),
            "",
            "",
            &pointers,
        ]);
        out.seg(&["DTP", "472", "D8", &compact(line.dos)]);
        out.seg(&["REF", "6R", &format!("{}-{n}", claim.id.value)]);
        if let Some((ndc, qty, unit)) = &line.ndc {
            out.seg(&["LIN", "", "N4", ndc]);
            out.seg(&["CTP", "", "", "", &number(*qty), unit]);
        }
    }
}
