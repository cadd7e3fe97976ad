//! Hover: what the token under the cursor is, from the code data (codes, modifiers, ICD-10-CM,
//! place of service, NDC, drugs), the statement keywords, and the units arithmetic of a line (from
//! `rules::arithmetic`, the same function the units rules use).

use super::context::{ClaimContext, LexedLine};
use super::convert;
use super::snapshot::Snapshot;
use super::statement::{Role, Token};
use claimls_data::{Code, CodeData, CodeKind, Container, ModifierKind};
use claimls_model::{Date, Ndc, Span};
use std::fmt::Write;
use tower_lsp_server::ls_types::{Hover, HoverContents, Position};

/// What a statement keyword is for (also the completion detail).
pub fn keyword_doc(k: &str) -> &'static str {
    match k {
        "claim" => "opens a claim: `claim <id>`",
        "payer" => {
            "the payer: `payer <medicare|medicare-advantage|medicaid|commercial> [\"<name>\"]`"
        }
        "patient" => "member id or MRN: `patient <id>`",
        "provider" => "rendering/billing NPI: `provider <npi>`",
        "pos" => "place of service: `pos <nn>`",
        "dx" => "a diagnosis: `dx [<letter>] <icd10cm>`",
        "order" => {
            "the treatment order: `order <date> signed \"<who>\"` or `order <date> unsigned`"
        }
        "auth" => "prior authorization: `auth <number> [from <date>] [to <date>]`",
        "history" => {
            "treatment history: `history \"<treatment>\" <failed|intolerant|contraindicated|stopped> [<date>]`"
        }
        "note" => "free text: `note \"<text>\"`",
        "admin" => {
            "opens an administration record: `admin <drug>` (generic name, brand or HCPCS code)"
        }
        "dose" => "amount administered: `dose <qty> <mg|mcg|g|ml|units>`",
        "route" => "route: `route <iv|sc|im|po|…>`",
        "start" => {
            "start of administration (its date is the date of service): `start <date> <time>`"
        }
        "stop" => "end of administration: `stop [<date>] <time>`",
        "vial" => "containers opened: `vial <ndc> x<n>` or `vial <qty> <unit> x<n>`",
        "waste" => {
            "amount discarded: `waste <qty> <unit> [reason \"…\"] [witness \"…\"] [evidence \"…\"]`"
        }
        "reaction" => "adverse reactions: `reaction none` or `reaction \"<text>\"`",
        "premed" => "premedication: `premed \"<text>\"`",
        "line" => {
            "a billed line: `line <code> [<modifier>…] units <n> [dx …] [ndc …] [charge …] [on …]`"
        }
        _ => "",
    }
}

/// What a clause of a billed line is for.
pub fn clause_doc(c: &str) -> &'static str {
    match c {
        "units" => "billing units: the dose divided by the code's billing unit, rounded up",
        "dx" => "the diagnoses this line points at, by letter or code (`dx A,B`)",
        "ndc" => "the NDC billed, its quantity and unit: `ndc <ndc> <qty> <ML|UN|GR|F2|ME>`",
        "charge" => "the billed charge",
        "on" => "the date of service of this line",
        "from" => "first day the authorization covers",
        "to" => "last day the authorization covers",
        "signed" => "the order is signed: `signed \"<who>\"`",
        "unsigned" => "the order is not signed yet",
        "reason" => "why the drug was discarded",
        "witness" => "who witnessed the discarded drug",
        "evidence" => "where the discarded amount is recorded (a wastage-log entry, a photo)",
        "none" => "no adverse reaction",
        _ => "",
    }
}

/// One line summary of a code: descriptor and billing unit.
pub fn code_detail(c: &Code) -> String {
    match c.billing_unit {
        Some(u) => format!("{} — 1 unit = {u}", c.description),
        None => c.description.clone(),
    }
}

fn container(c: Container) -> &'static str {
    match c {
        Container::SingleDose => "single-dose",
        Container::MultiDose => "multi-dose",
    }
}

fn date_line(out: &mut String, label: &str, d: Option<Date>) {
    if let Some(d) = d {
        let _ = writeln!(out, "- {label}: {d}");
    }
}

/// A HCPCS code or CPT number, with everything the data knows about it.
pub fn code_markdown(data: &CodeData, code: &str, dos: Option<Date>) -> Option<String> {
    let c = data.code(code, dos)?;
    let mut out = format!("**{}** — {}\n\n", c.code, c.description);
    if let Some(u) = c.billing_unit {
        let _ = writeln!(out, "- Billing unit: 1 unit = {u}");
    }
    match c.kind {
        CodeKind::Drug => {}
        CodeKind::Administration(_) => {
            let _ = writeln!(out, "- Drug administration code (CPT)");
            administration_page(&mut out, data, &c.code, dos);
        }
        CodeKind::Other => {}
    }
    if let Some(d) = &c.drug {
        let brands = if d.brands.is_empty() {
            String::new()
        } else {
            format!(" ({})", d.brands.join(", "))
        };
        let _ = writeln!(out, "- Drug: {}{brands}", d.generic);
        for p in &d.presentations {
            let ndc = p
                .ndc
                .as_deref()
                .and_then(|n| Ndc::parse(n).hyphenated())
                .map(|n| format!(" — NDC {n}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- Container: {} ({}, {}){ndc}",
                p.label,
                p.amount,
                container(p.container)
            );
        }
        let single = d
            .presentations
            .iter()
            .any(|p| p.container == Container::SingleDose);
        let multi = d
            .presentations
            .iter()
            .any(|p| p.container == Container::MultiDose);
        let jwjz = match (single, multi) {
            (true, false) => "apply (single-dose containers)",
            (true, true) => "apply to single-dose containers only",
            (false, true) => "do not apply (multi-dose containers)",
            (false, false) => "unknown (no container data)",
        };
        let _ = writeln!(out, "- JW/JZ: {jwjz}");
        if !d.indications.is_empty() {
            let _ = writeln!(out, "- Indications: {}", d.indications.join(", "));
        }
    }
    if let Some(m) = c.mue {
        let _ = writeln!(
            out,
            "- MUE: {} (adjudication indicator {})",
            m.value, m.indicator
        );
    }
    // A limit holds for its quarter only: the date's quarter, named, or a word that none is known.
    match data.payment_limit(&c.code, dos) {
        claimls_data::PaymentLimit::Known { per_unit, quarter } => {
            let _ = writeln!(
                out,
                "- Medicare payment limit: ${per_unit} per unit ({quarter})"
            );
        }
        claimls_data::PaymentLimit::OutsideQuarter { loaded } if !loaded.is_empty() => {
            let _ = writeln!(
                out,
                "- Medicare payment limit: none known for this date (loaded: {})",
                loaded.join(", ")
            );
        }
        _ => {}
    }
    date_line(&mut out, "Added", c.added);
    date_line(&mut out, "Terminated", c.terminated);
    if !c.replaced_by.is_empty() {
        let _ = writeln!(out, "- Replaced by: {}", c.replaced_by.join(", "));
    }
    let source = data
        .code_edition(&c.code, dos)
        .map_or_else(|| data.edition_for(dos).name.clone(), |e| e.name.clone());
    let _ = write!(out, "\n_Data: {source}_");
    Some(out)
}

/// What the engine's administration hierarchy (`rules::hierarchy`) and the NCCI add-on code edits of
/// the data say of an administration code: its time rule, its place in the hierarchy, its add-on codes
/// (or, for an add-on code, the primary codes it is billed with).
fn administration_page(out: &mut String, data: &CodeData, code: &str, dos: Option<Date>) {
    use claimls_rules::hierarchy::{Service, as_push, as_subsequent, code_of};
    let Some(service) = Service::of(code) else {
        return;
    };
    let named = |s: Option<Service>| s.and_then(code_of).map(|c| format!(" {c}"));
    // The first infusion length that bills an additional hour, as the engine counts hours.
    let first_hour_more = (61..=180)
        .find(|m| claimls_rules::encounter::additional_hours(*m) >= 1)
        .unwrap_or(91);
    let time = match service {
        Service::InitialInfusion(family) if service.is_infusion() => Some(format!(
            "the first hour of an IV infusion of more than 15 minutes (15 minutes or less bills as a push,{}); from {first_hour_more} minutes on, each additional hour{} needs more than 30 minutes past the last full hour",
            named(as_push(service)).unwrap_or_default(),
            named(Some(Service::AdditionalHour(family)))
                .map(|c| format!(" ({})", c.trim()))
                .unwrap_or_default(),
        )),
        Service::InitialInfusion(_) => Some(format!(
            "the first hour of hydration; from {first_hour_more} minutes on, each additional hour{} needs more than 30 minutes past the last full hour",
            named(Some(Service::AdditionalHour(
                claimls_data::InfusionFamily::Hydration
            )))
            .unwrap_or_default(),
        )),
        Service::AdditionalHour(_) => Some(format!(
            "each hour after the first of the same infusion, counted on that infusion's own time: more than 30 minutes past the last full hour ({first_hour_more} minutes bill 1 additional hour)"
        )),
        Service::Sequential(_) => Some(format!(
            "up to one hour of a sequential infusion of a new drug, of more than 15 minutes (15 minutes or less bills as a push,{})",
            named(as_push(service)).unwrap_or_default()
        )),
        Service::InitialPush(_) | Service::SubsequentPush(_) | Service::RepeatPush => {
            Some("an IV push, or an IV infusion of 15 minutes or less".to_string())
        }
        Service::Concurrent | Service::Injection | Service::Other => None,
    };
    if let Some(t) = time {
        let _ = writeln!(out, "- Time: {t}");
    }
    // The administration codes the hierarchy knows.
    let codes = || {
        (96360..=96417)
            .map(|n: u32| n.to_string())
            .filter(|c| Service::of(c).is_some())
    };
    if let Some(rank) = service.rank() {
        let mut above: Vec<(u8, String)> = codes()
            .filter_map(|c| Some((Service::of(&c)?.rank().filter(|r| *r > rank)?, c)))
            .collect();
        above.sort_by_key(|a| std::cmp::Reverse(a.0));
        let above: Vec<String> = above.into_iter().map(|(_, c)| c).collect();
        let instead = named(as_subsequent(service))
            .map(|c| format!(", and this administration bills as{c}"))
            .unwrap_or_default();
        let _ = if above.is_empty() {
            writeln!(
                out,
                "- Initial service: one per date of service, the highest in the hierarchy; this code ranks first"
            )
        } else {
            writeln!(
                out,
                "- Initial service: one per date of service, the highest in the hierarchy; with {} on the same date, that one is the initial{instead}",
                above.join(", ")
            )
        };
    }
    if let Some(edit) = data.addon_primaries(code, dos) {
        let primaries = edit.primaries.join(", ");
        let _ = match edit.kind {
            claimls_data::AddOnKind::Listed => {
                writeln!(out, "- Add-on code: billed only with {primaries}")
            }
            claimls_data::AddOnKind::ListedAndContractor => writeln!(
                out,
                "- Add-on code: billed with {primaries}, or another primary code the Medicare contractor allows"
            ),
            claimls_data::AddOnKind::ContractorDefined => writeln!(
                out,
                "- Add-on code: its primary codes are up to the Medicare contractor"
            ),
        };
        if let Some(note) = &edit.note {
            let _ = writeln!(out, "- Note: {note}");
        }
    }
    let addons: Vec<String> = codes()
        .filter(|candidate| {
            data.addon_primaries(candidate, dos)
                .is_some_and(|e| e.primaries.iter().any(|p| p == code))
        })
        .collect();
    if !addons.is_empty() {
        let _ = writeln!(out, "- Add-on codes billed with it (NCCI add-on edits):");
        for a in &addons {
            let what = data
                .code(a, dos)
                .map(|c| format!(" — {}", c.description))
                .unwrap_or_default();
            let _ = writeln!(out, "  - {a}{what}");
        }
    }
}

pub fn modifier_markdown(data: &CodeData, m: &str) -> Option<String> {
    let m = data.modifier(m, None)?;
    let kind = match m.kind {
        ModifierKind::Waste => "waste modifier: drug codes from single-dose containers only",
        ModifierKind::Drug => "drug modifier: drug codes only",
        ModifierKind::Procedure => "procedure modifier: not on drug supply codes",
        ModifierKind::Any => "may go on any line",
    };
    let mut out = format!("**{}** — {}\n\n- {kind}\n", m.code, m.description);
    date_line(&mut out, "Added", m.added);
    date_line(&mut out, "Terminated", m.terminated);
    if let Some(r) = &m.replaced_by {
        let _ = writeln!(out, "- Replaced by: {r}");
    }
    Some(out)
}

pub fn diagnosis_markdown(data: &CodeData, code: &str, dos: Option<Date>) -> Option<String> {
    let d = data.diagnosis(code, dos)?;
    let mut out = format!("**{}** — {}\n\n", d.code, d.title);
    if d.billable && d.billable_until.is_none() {
        let _ = writeln!(out, "- Billable");
    } else {
        if let Some(u) = d.billable_until {
            let _ = writeln!(out, "- Billable until {u}; a header (category) after that");
        } else {
            let _ = writeln!(out, "- Header (category), not billable");
        }
        let children = data.billable_children(&d.code, dos);
        if !children.is_empty() {
            let _ = writeln!(out, "- Billable codes:");
            for c in children.iter().take(20) {
                let _ = writeln!(out, "  - {} — {}", c.code, c.title);
            }
            if children.len() > 20 {
                let _ = writeln!(out, "  - … {} more", children.len() - 20);
            }
        }
    }
    date_line(&mut out, "Effective", d.effective);
    date_line(&mut out, "Terminated", d.terminated);
    let source = data
        .diagnosis_source(&d.code, dos)
        .map_or_else(|| data.edition_for(dos).name.clone(), |e| e.name.clone());
    let _ = write!(out, "\n_Data: {source}_");
    Some(out)
}

pub fn place_markdown(data: &CodeData, code: &str) -> Option<String> {
    let p = data.place_of_service(code)?;
    let setting = if p.facility {
        "facility setting: the facility bills the drug and its administration"
    } else {
        "non-facility setting"
    };
    Some(format!("**POS {}** — {}\n\n- {setting}\n", p.code, p.name))
}

/// An NDC (11 digits or 5-4-2).
pub fn ndc_markdown(data: &CodeData, ndc: &str) -> Option<String> {
    let parsed = Ndc::parse(ndc);
    let Some(digits) = parsed.digits.as_deref() else {
        return Some(format!(
            "**{ndc}** — not a valid NDC: write 5-4-2 with hyphens (`50242-0150-01`) or 11 digits"
        ));
    };
    let p = data.product(digits)?;
    let hyph = parsed.hyphenated().unwrap_or_else(|| digits.to_string());
    let mut out = format!("**NDC {hyph}** — {}\n\n", p.name);
    if let Some(l) = &p.labeler {
        let _ = writeln!(out, "- Labeler: {l}");
    }
    if !p.codes.is_empty() {
        let _ = writeln!(out, "- Bills under: {}", p.codes.join(", "));
    }
    if let Some(pr) = &p.presentation {
        let volume = pr.volume.map(|v| format!("/{v}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "- Package: {} × {}{volume} ({})",
            pr.per_package,
            pr.amount,
            container(pr.container)
        );
        if let Some(b) = pr.billing_units_per_package {
            let _ = writeln!(out, "- Billing units per package: {b}");
        }
    }
    Some(out)
}

fn payer_markdown(snap: &Snapshot, kind: &str, name: Option<&str>) -> Option<String> {
    let kind = claimls_model::PayerKind::parse(kind)?;
    let p = snap.config().profile(kind, name);
    let mut out = format!("**Payer profile: {}** ({})\n\n", p.name, p.kind.keyword());
    let req = |s: Option<claimls_rules::Severity>| match s {
        Some(s) => format!("required ({s})"),
        None => "not checked".to_string(),
    };
    let _ = writeln!(out, "- JZ: {}", req(p.jz_required));
    let _ = writeln!(out, "- NDC on drug lines: {}", req(p.ndc_required));
    if p.waste_witness_required {
        let _ = writeln!(out, "- Discarded drug needs a witness");
    }
    if p.waste_evidence_required {
        let _ = writeln!(out, "- Discarded drug needs evidence");
    }
    if !p.prior_auth.is_empty() {
        let _ = writeln!(out, "- Prior authorization: {}", p.prior_auth.join(", "));
    }
    if !p.step_therapy.is_empty() {
        let _ = writeln!(out, "- Step therapy: {}", p.step_therapy.join(", "));
    }
    Some(out)
}

/// The units arithmetic of the line at `offset`, from the lowered claim (lowered again here: the
/// cache keeps only findings, so a large document does not keep every claim's model in memory).
fn units_arithmetic(snap: &Snapshot, offset: usize) -> Option<String> {
    let range = super::analysis::claim_range_at(&snap.text, offset);
    let rel = offset.checked_sub(range.start)?;
    let model = &super::analysis::lower(snap.text.get(range)?);
    let line = model.claims.iter().flat_map(|c| &c.lines).find(|l| {
        l.units
            .as_ref()
            .is_some_and(|u| u.span.start <= rel && rel <= u.span.end)
    })?;
    claimls_rules::units_arithmetic(model, snap.data(), snap.config(), line.span.start)
}

/// The units arithmetic of the `dose` at `offset`, from the engine: the code's billing unit and the
/// units the dose is, the containers opened and the waste (the `WasteMath` the units and waste rules
/// judge by; for a record no line bills yet, the arithmetic "Bill this administration" writes from).
fn dose_arithmetic(snap: &Snapshot, offset: usize) -> Option<String> {
    use claimls_rules::encounter::{ContainerKind, count, waste_math};
    let range = super::analysis::claim_range_at(&snap.text, offset);
    let rel = offset.checked_sub(range.start)?;
    let model = super::analysis::lower(snap.text.get(range)?);
    let (claim, a) = model.claims.iter().find_map(|c| {
        let a = c.admins.iter().position(|ad| {
            ad.dose
                .as_ref()
                .is_some_and(|d| d.span.start <= rel && rel <= d.span.end)
        })?;
        Some((c, a))
    })?;
    let ctx = claimls_rules::context::ClaimCtx::new(claim, &model.text, snap.data(), snap.config());
    let record = ctx.administrations.get(a)?;
    let (code, math) = match ctx.drugs.iter().find(|u| u.administrations.contains(&a)) {
        Some(u) => (u.code, u.math.clone()?),
        None => {
            let [code] = record.codes.as_slice() else {
                return None;
            };
            (*code, waste_math(code, &[record], snap.data())?)
        }
    };
    let mut out = format!(
        "**dose** — {}

",
        math.given_sentence(&code.code)
    );
    if let Some((opened, how)) = &math.opened {
        let _ = writeln!(out, "- Opened: {opened} ({how})");
    }
    if let (Some((opened, _)), Some(waste)) = (&math.opened, math.billable_waste) {
        let _ = writeln!(
            out,
            "- Billable waste: {opened} − {} × {} = {waste}",
            count(math.given_units, "unit"),
            math.unit
        );
    }
    match (math.container, math.jw_units) {
        (ContainerKind::SingleDose, Some(jw)) if jw > claimls_model::Decimal::ZERO => {
            let _ = writeln!(
                out,
                "- Single-dose container: bill {} of waste on a `{} JW` line",
                count(jw, "unit"),
                code.code
            );
        }
        (ContainerKind::SingleDose, Some(_)) => {
            let _ = writeln!(
                out,
                "- Single-dose container: no billable waste, so no JW line (JZ says so)"
            );
        }
        (ContainerKind::MultiDose, _) => {
            let _ = writeln!(out, "- Multi-dose container: JW and JZ do not apply");
        }
        _ => {}
    }
    if let Some(documented) = math.documented_waste {
        let _ = writeln!(out, "- Documented waste: {documented}");
    }
    Some(out)
}

/// The code written on a line, and the value of its units, when the model does not know the line.
fn lexical_units(snap: &Snapshot, line: &LexedLine<'_>, units: &str) -> Option<String> {
    let code = line.value(Role::Code)?;
    let c = snap.data().code(code, None)?;
    let n: claimls_model::Decimal = units.parse().ok()?;
    let amount = claimls_rules::units_amount(c, n)?;
    let unit = c.billing_unit?;
    Some(format!("{} units × {unit} {amount}", n.normalize()))
}

pub fn hover(snap: &Snapshot, pos: Position) -> Option<Hover> {
    let offset = convert::position_to_byte(&snap.rope, pos);
    let text = &*snap.text;
    let claim = ClaimContext::at(text, offset);
    let line = claim.line_at(offset)?;
    let col = offset - line.start;
    let token: &Token = line
        .statement
        .tokens
        .iter()
        .find(|t| t.range.start <= col && col < t.range.end)
        .or_else(|| line.statement.tokens.iter().find(|t| t.range.end == col))?;
    let word = line.token_text(token);
    let data = snap.data();
    let dose =
        if line.keyword() == Some("dose") && matches!(token.role, Role::Number | Role::DoseUnit) {
            dose_arithmetic(snap, offset)
        } else {
            None
        };
    let markdown = match token.role {
        Role::Number | Role::DoseUnit if dose.is_some() => dose,
        Role::Keyword => Some(format!("`{word}` — {}", keyword_doc(word))),
        Role::Clause => Some(format!("`{word}` — {}", clause_doc(word))),
        Role::Code => code_markdown(data, word, None)
            .or_else(|| Some(format!("**{word}** — not in the loaded code data"))),
        Role::Modifier => {
            let base = modifier_markdown(data, word)
                .unwrap_or_else(|| format!("**{word}** — not a known modifier"));
            let fit = line
                .value(Role::Code)
                .and_then(|code| super::actions::waste_fit(snap, claim.range.clone(), code, word));
            Some(match fit {
                Some(f) => format!("{f}\n\n{base}"),
                None => base,
            })
        }
        Role::Diagnosis => diagnosis_markdown(data, word, None)
            .or_else(|| Some(format!("**{word}** — not in the loaded ICD-10-CM data"))),
        Role::DxPointer => {
            let target = claim.diagnoses().into_iter().find(|d| {
                d.code.eq_ignore_ascii_case(word)
                    || (word.len() == 1 && word.eq_ignore_ascii_case(&d.letter.to_string()))
            });
            match target {
                Some(d) => diagnosis_markdown(data, &d.code, None)
                    .map(|m| format!("Points at `dx {} {}`\n\n{m}", d.letter, d.code))
                    .or_else(|| Some(format!("Points at `dx {} {}`", d.letter, d.code))),
                None => Some(format!("`{word}` points at no `dx` of this claim")),
            }
        }
        Role::DxLetter => Some(format!(
            "Pointer letter `{word}`: lines point at this diagnosis with `dx {word}`"
        )),
        Role::PlaceOfService => place_markdown(data, word)
            .or_else(|| Some(format!("**POS {word}** — not a CMS place-of-service code"))),
        Role::Ndc => ndc_markdown(data, word)
            .or_else(|| Some(format!("**NDC {word}** — not in the loaded NDC data"))),
        Role::Drug => {
            let drug = super::context::drug_name(line).unwrap_or_default();
            let codes = data.codes_for_drug(&drug, None);
            if codes.is_empty() {
                Some(format!(
                    "`{drug}` — no drug code in the loaded data bills this drug"
                ))
            } else {
                let parts: Vec<String> = codes
                    .iter()
                    .filter_map(|c| code_markdown(data, &c.code, None))
                    .collect();
                Some(parts.join("\n\n---\n\n"))
            }
        }
        Role::Units => units_arithmetic(snap, offset)
            .or_else(|| lexical_units(snap, line, word))
            .map(|a| format!("**units** {a}")),
        Role::PayerKind => {
            let name = line
                .value(Role::String)
                .map(|s| s.trim_matches('"').to_string());
            payer_markdown(snap, word, name.as_deref())
        }
        Role::String if line.keyword() == Some("payer") => {
            let kind = line.value(Role::PayerKind).unwrap_or("commercial");
            payer_markdown(snap, kind, Some(word.trim_matches('"')))
        }
        Role::Route => Some(format!(
            "route `{word}`{}",
            super::completion::ROUTES
                .iter()
                .find(|(r, _)| r.eq_ignore_ascii_case(word))
                .map(|(_, d)| format!(" — {d}"))
                .unwrap_or_default()
        )),
        Role::DoseUnit => Some(format!("unit `{word}`")),
        Role::NdcUnit => Some(format!("NDC unit qualifier `{word}`")),
        Role::Number => Some(format!("amount `{word}`")),
        Role::Count => Some(format!("{} containers opened", &word[1..])),
        Role::Date => Some(format!("date {word}")),
        Role::Time => Some(format!("time {word}")),
        Role::Charge => Some(format!("charge ${word}")),
        Role::ClaimId => Some(format!("claim `{word}`")),
        Role::PatientId => Some(format!("patient `{word}` (member id or MRN)")),
        Role::Npi => Some(format!("NPI `{word}`")),
        Role::AuthNumber => Some(format!("prior authorization `{word}`")),
        Role::Outcome => Some(format!("prior treatment outcome: {word}")),
        Role::String | Role::Comment | Role::Comma | Role::Other => None,
    }?;
    let span = Span::new(line.start + token.range.start, line.start + token.range.end);
    Some(Hover {
        contents: HoverContents::Markup(convert::markup(markdown, snap.client.hover_markdown)),
        range: Some(convert::span_to_range(&snap.rope, span)),
    })
}
