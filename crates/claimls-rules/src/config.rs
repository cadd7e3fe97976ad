//! Payer profiles and `claimls.toml`.
//!
//! A claim's `payer <kind> ["<name>"]` selects a profile: a named payer from `claimls.toml` when the
//! name matches one, else the built-in profile of its kind. A profile says what the payer requires (JZ,
//! NDC, waste witness/evidence, prior auth and step therapy per code) and may change rule severities or
//! turn rules off. `claimls.toml` may also set severities for every payer (`[rules]`).
//!
//! ```toml
//! [rules]
//! waste-avoidable = "off"          # or "error" | "warning" | "information"
//!
//! [payers.medicare]                # overrides the built-in medicare profile
//! ndc-required = true
//! ndc-when-charted = true          # "Bill this administration" writes the charted vial's NDC
//!
//! [payers."Acme Health PPO"]       # a named payer: `payer commercial "Acme Health PPO"`
//! kind = "commercial"
//! jz-required = true
//! waste-witness-required = true
//! prior-auth = ["J1745", "J2350"]
//! step-therapy = ["J1745"]
//! rules = { dose-atypical = "off" }
//!
//! [organization]                   # the billing provider, for `claimls export 837p`
//! name = "Lakeside Infusion Center"
//! npi = "1234567893"
//! # … tax-id, address, city, state, zip, contact-name, contact-phone (docs/x12-837p.md)
//!
//! [draft]                          # what the editor writes into a new claim (no rule reads it)
//! payer = "medicare"               # the `payer` line of the `claim` snippet
//! pos = "11"                       # the `pos` line of the `claim` snippet
//! patients = "patients.toml"       # `patient ` completes this file's ids (relative to claimls.toml)
//!
//! [x12.payers.medicare]            # payer id per payer profile
//! id = "12202"
//! name = "Medicare Part B"
//! ```

use crate::Severity;
use claimls_model::PayerKind;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// A rule's severity as configured: a severity, or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

impl Level {
    fn parse(s: &str) -> Option<Level> {
        if s.eq_ignore_ascii_case("off") || s.eq_ignore_ascii_case("none") {
            return Some(Level::Off);
        }
        Severity::parse(s).map(Level::On)
    }
}

/// What one payer requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayerProfile {
    /// `medicare`, or the name in `payer commercial "<name>"`.
    pub name: String,
    pub kind: PayerKind,
    /// JZ required on single-dose drugs with no billable waste (`waste-jz-missing`); `None` = not checked.
    pub jz_required: Option<Severity>,
    /// NDC required on drug lines (`ndc-missing`); `None` = not checked.
    pub ndc_required: Option<Severity>,
    /// The NDC is reported on drug lines when the record charts the vial by NDC, though not required
    /// (`ndc-when-charted`): "Bill this administration" writes it with its quantity. No rule reads it.
    pub ndc_when_charted: bool,
    /// Discarded drug must name a witness (`waste-evidence-missing`).
    pub waste_witness_required: bool,
    /// Discarded drug must cite evidence (a wastage-log entry, a photo).
    pub waste_evidence_required: bool,
    /// Codes that need prior authorization (`auth-missing`).
    pub prior_auth: Vec<String>,
    /// Codes that need documented prior treatments (`step-therapy-missing`).
    pub step_therapy: Vec<String>,
    /// Severity used by payer-dependent rules when the profile turns them on without one.
    pub default_severity: Severity,
    /// Per-rule overrides for claims of this payer.
    pub rules: BTreeMap<String, Level>,
}

impl PayerProfile {
    /// The payer as a message names it at the start of a sentence: a commercial profile's name
    /// (`Acme Health PPO`), else the program (`Medicare`, `Medicare Advantage`, `Medicaid`).
    pub fn display_name(&self) -> &str {
        match self.kind {
            PayerKind::Commercial => &self.name,
            PayerKind::Medicare => "Medicare",
            PayerKind::MedicareAdvantage => "Medicare Advantage",
            PayerKind::Medicaid => "Medicaid",
        }
    }

    /// The built-in profile of a payer kind.
    pub fn builtin(kind: PayerKind) -> PayerProfile {
        let base = PayerProfile {
            name: kind.keyword().to_string(),
            kind,
            jz_required: None,
            ndc_required: None,
            ndc_when_charted: false,
            waste_witness_required: false,
            waste_evidence_required: false,
            prior_auth: Vec::new(),
            step_therapy: Vec::new(),
            default_severity: Severity::Warning,
            rules: BTreeMap::new(),
        };
        match kind {
            // CMS requires JW/JZ on separately payable Part B drugs from single-dose containers
            // (IOM 100-04 ch. 17 §40; JZ required from 2023-07-01).
            PayerKind::Medicare => PayerProfile {
                jz_required: Some(Severity::Error),
                default_severity: Severity::Error,
                ..base
            },
            // MA plans follow Medicare coding in most cases, but not by rule: warn.
            PayerKind::MedicareAdvantage => PayerProfile {
                jz_required: Some(Severity::Warning),
                ..base
            },
            // The DRA 2005 requires states to collect NDCs on physician-administered drugs.
            PayerKind::Medicaid => PayerProfile {
                ndc_required: Some(Severity::Error),
                jz_required: Some(Severity::Warning),
                ..base
            },
            PayerKind::Commercial => base,
        }
    }

    pub fn requires_auth(&self, code: &str) -> bool {
        self.prior_auth.iter().any(|c| c.eq_ignore_ascii_case(code))
    }

    pub fn requires_step_therapy(&self, code: &str) -> bool {
        self.step_therapy
            .iter()
            .any(|c| c.eq_ignore_ascii_case(code))
    }
}

/// The workspace configuration (`claimls.toml`), already validated.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Where it was read from, for messages.
    pub path: Option<PathBuf>,
    /// Workspace-wide rule levels.
    pub rules: BTreeMap<String, Level>,
    /// Profiles by payer name (built-in kinds overridden, and named payers), keyed lower case.
    pub payers: BTreeMap<String, PayerProfile>,
    /// `[organization]`: who bills (the 837P's submitter and billing provider); `None` when absent.
    pub organization: Option<Organization>,
    /// `[x12]`: the 837P envelope, payer ids and fees.
    pub x12: X12Settings,
    /// `[draft]`: what the editor writes into a new claim; no rule reads it.
    pub draft: Draft,
}

/// `[draft]`: the values the editor's `claim` snippet writes and where `patient` ids come from. They
/// change no finding: a claim states its payer and place of service itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    /// The `payer` line's value as written (`medicare`, or `commercial "Acme Health PPO"` for a payer
    /// `claimls.toml` names).
    pub payer: Option<String>,
    /// The place of service code, two digits.
    pub pos: Option<String>,
    /// The patients file (docs/x12-837p.md), resolved against the folder of `claimls.toml`.
    pub patients: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawDraft {
    payer: Option<Spanned<String>>,
    pos: Option<Spanned<String>>,
    patients: Option<String>,
}

/// `[organization]`: the billing provider, as `claimls export 837p` writes it (loops 1000A, 2010AA).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Organization {
    pub name: String,
    /// The billing provider's NPI (type 2, organisation).
    pub npi: String,
    /// The employer identification number, 9 digits (REF*EI).
    pub tax_id: String,
    /// Healthcare provider taxonomy code (PRV*BI), e.g. `261QI0500X`.
    pub taxonomy: Option<String>,
    pub address: String,
    pub address2: Option<String>,
    pub city: String,
    /// Two-letter state code.
    pub state: String,
    /// ZIP+4 as 9 digits (the 837P requires nine for the billing provider).
    pub zip: String,
    pub contact_name: String,
    /// Digits only, e.g. `2175550142`.
    pub contact_phone: String,
    /// Rendering providers other than the organisation, by NPI (loop 2310B).
    #[serde(default)]
    pub providers: BTreeMap<String, RenderingProvider>,
}

/// A rendering provider named in `[organization.providers."<npi>"]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RenderingProvider {
    pub last_name: String,
    pub first_name: Option<String>,
    pub taxonomy: Option<String>,
}

/// `[x12]`: the interchange envelope and what the 837P needs per payer and code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct X12Settings {
    /// ISA06/GS02 and the submitter id (NM1*41), as the clearinghouse assigned it.
    pub sender_id: Option<String>,
    /// ISA08/GS03 and the receiver id (NM1*40).
    pub receiver_id: Option<String>,
    /// The receiver's name (NM1*40), e.g. the clearinghouse.
    pub receiver_name: Option<String>,
    /// `"test"` (ISA15 = T, the default) or `"production"` (P).
    pub usage: Option<String>,
    /// Payer id and name per payer profile, keyed by the profile's name (`medicare`, `"Acme Health PPO"`).
    #[serde(default)]
    pub payers: BTreeMap<String, X12Payer>,
    /// Charge per unit by code, for lines written without `charge`: `J2350 = "12.50"`.
    #[serde(default, deserialize_with = "fees")]
    pub fees: BTreeMap<String, String>,
}

/// Fees as exact decimals: quoted (`"12.50"`) or whole numbers; a TOML float would round.
fn fees<'de, D: serde::Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    let raw = BTreeMap::<String, toml::Value>::deserialize(d)?;
    raw.into_iter()
        .map(|(code, value)| match value {
            toml::Value::String(s) => Ok((code, s)),
            toml::Value::Integer(i) => Ok((code, i.to_string())),
            _ => Err(serde::de::Error::custom(format!(
                "fee of `{code}`: write the amount in quotes, e.g. `{code} = \"12.50\"`"
            ))),
        })
        .collect()
}

/// `[x12.payers."<profile name>"]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct X12Payer {
    /// The payer id the clearinghouse routes by (NM1*PR, NM109).
    pub id: String,
    pub name: String,
    /// SBR09 claim filing indicator; by default MB (medicare), MC (medicaid), 16 (medicare-advantage),
    /// CI (commercial).
    pub filing_code: Option<String>,
}

impl X12Settings {
    /// The payer settings for a claim's payer: by its name, else by its kind.
    pub fn payer(&self, kind: PayerKind, name: Option<&str>) -> Option<&X12Payer> {
        let find = |wanted: &str| {
            self.payers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(wanted))
                .map(|(_, v)| v)
        };
        name.and_then(find).or_else(|| find(kind.keyword()))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    payers: BTreeMap<Spanned<String>, RawPayer>,
    organization: Option<Organization>,
    #[serde(default)]
    x12: X12Settings,
    draft: Option<RawDraft>,
}

/// `[draft]`, checked: the payer is a kind or a payer `claimls.toml` names, the place of service two
/// digits; the patients file's path is taken relative to `claimls.toml` (it is read when used).
fn draft(
    d: &RawDraft,
    config: &Config,
    path: &Path,
    invalid: &dyn Fn(usize, String) -> ConfigError,
) -> Result<Draft, ConfigError> {
    let payer = match &d.payer {
        None => None,
        Some(p) => {
            let name = p.get_ref().trim();
            if let Some(kind) = PayerKind::parse(name) {
                Some(kind.keyword().to_string())
            } else if let Some(named) = config.payers.get(&name.to_ascii_lowercase()) {
                Some(format!("{} \"{}\"", named.kind.keyword(), named.name))
            } else {
                return Err(invalid(
                    p.span().start,
                    format!(
                        "`[draft] payer = \"{name}\"`: write medicare, medicare-advantage, medicaid, commercial, or the name of a payer under `[payers]`"
                    ),
                ));
            }
        }
    };
    let pos = match &d.pos {
        None => None,
        Some(p) => {
            let v = p.get_ref().trim();
            if v.len() != 2 || !v.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid(
                    p.span().start,
                    format!(
                        "`[draft] pos = \"{v}\"`: write the two-digit place of service code in quotes, e.g. `pos = \"11\"`"
                    ),
                ));
            }
            Some(v.to_string())
        }
    };
    let patients = d.patients.as_ref().map(|f| {
        let f = PathBuf::from(f);
        match path.parent() {
            Some(dir) if f.is_relative() => dir.join(f),
            _ => f,
        }
    });
    Ok(Draft {
        payer,
        pos,
        patients,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPayer {
    kind: Option<Spanned<String>>,
    jz_required: Option<Spanned<toml::Value>>,
    ndc_required: Option<Spanned<toml::Value>>,
    ndc_when_charted: Option<bool>,
    waste_witness_required: Option<bool>,
    waste_evidence_required: Option<bool>,
    #[serde(default)]
    prior_auth: Vec<String>,
    #[serde(default)]
    step_therapy: Vec<String>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
}

impl Config {
    /// The profile for a claim's payer: a configured profile by name, else by kind, else built in.
    pub fn profile(&self, kind: PayerKind, name: Option<&str>) -> PayerProfile {
        if let Some(p) = name.and_then(|n| self.payers.get(&n.to_ascii_lowercase())) {
            return p.clone();
        }
        self.payers
            .get(kind.keyword())
            .cloned()
            .unwrap_or_else(|| PayerProfile::builtin(kind))
    }

    /// `claimls.toml` for a file or folder: see [`Config::find_within`] (with no workspace).
    pub fn find(start: &Path) -> Option<PathBuf> {
        Config::find_within(start, None)
    }

    /// `claimls.toml` in `start`'s folder or the nearest folder above it, never above the
    /// repository root: the search stops at the first folder that holds `.git`. Outside a
    /// repository it stops at `workspace` (the LSP's workspace root, the CLI's current folder) when
    /// `start` is inside it, and otherwise searches `start`'s own folder only. So a stray
    /// `claimls.toml` in a temporary or home folder above a checkout never applies to it.
    pub fn find_within(start: &Path, workspace: Option<&Path>) -> Option<PathBuf> {
        let first = if start.is_dir() {
            start
        } else {
            start.parent()?
        };
        let limit = first
            .ancestors()
            .find(|d| d.join(".git").exists())
            .or_else(|| workspace.filter(|w| first.starts_with(w)))
            .unwrap_or(first);
        for d in first.ancestors() {
            let candidate = d.join("claimls.toml");
            if candidate.is_file() {
                return Some(candidate);
            }
            if d == limit {
                break;
            }
        }
        None
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// Parse and validate `claimls.toml` text; `path` is for messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let invalid = |offset: usize, message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            line: text[..offset.min(text.len())].matches('\n').count() + 1,
            message,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            invalid(offset, e.message().to_string())
        })?;
        let line_of = |needle: &str| text.find(needle).unwrap_or(0);
        // Problems are reported on the line of the key or value at fault (its span in the file), so a
        // bad value in the second payer is not reported on the first payer's line.
        let level = |rule: &Spanned<String>,
                     value: &Spanned<String>|
         -> Result<Level, ConfigError> {
            let (at, rule, value) = (rule.span().start, rule.get_ref(), value.get_ref());
            if crate::rule(rule).is_none() {
                return Err(invalid(
                    at,
                    format!("unknown rule `{rule}`; `claimls explain --all` lists the rule ids"),
                ));
            }
            Level::parse(value).ok_or_else(|| {
                invalid(
                    at,
                    format!(
                        "`{rule} = \"{value}\"`: write \"error\", \"warning\", \"information\" or \"off\""
                    ),
                )
            })
        };
        let mut config = Config {
            path: Some(path.to_path_buf()),
            organization: raw.organization.clone(),
            x12: raw.x12.clone(),
            ..Config::default()
        };
        if let Some(usage) = &config.x12.usage
            && !matches!(usage.as_str(), "test" | "production")
        {
            return Err(invalid(
                line_of("usage"),
                format!("`usage = \"{usage}\"`: write \"test\" or \"production\""),
            ));
        }
        for (code, fee) in &config.x12.fees {
            if fee.parse::<rust_decimal::Decimal>().is_err() {
                return Err(invalid(
                    line_of(code),
                    format!(
                        "fee of `{code}`: write an amount in quotes, e.g. `{code} = \"12.50\"`"
                    ),
                ));
            }
        }
        for (rule, value) in &raw.rules {
            config
                .rules
                .insert(rule.get_ref().clone(), level(rule, value)?);
        }
        for (spanned_name, p) in &raw.payers {
            let name = spanned_name.get_ref();
            let kind = match (&p.kind, PayerKind::parse(name)) {
                (Some(spanned), _) => PayerKind::parse(spanned.get_ref()).ok_or_else(|| {
                    let k = spanned.get_ref();
                    invalid(
                        spanned.span().start,
                        format!(
                            "payer `{name}`: kind `{k}` is not one of medicare, medicare-advantage, medicaid, commercial"
                        ),
                    )
                })?,
                (None, Some(k)) => k,
                (None, None) => {
                    return Err(invalid(
                        spanned_name.span().start,
                        format!(
                            "payer `{name}` needs `kind = \"commercial\"` (or medicare, medicare-advantage, medicaid)"
                        ),
                    ));
                }
            };
            let mut profile = PayerProfile::builtin(kind);
            profile.name = name.clone();
            let requirement = |key: &str,
                               v: &Option<Spanned<toml::Value>>,
                               current: Option<Severity>| {
                let at = v
                    .as_ref()
                    .map_or(spanned_name.span().start, |v| v.span().start);
                match v.as_ref().map(|v| v.get_ref()) {
                    None => Ok(current),
                    Some(toml::Value::Boolean(true)) => {
                        Ok(Some(current.unwrap_or(profile.default_severity)))
                    }
                    Some(toml::Value::Boolean(false)) => Ok(None),
                    Some(toml::Value::String(s)) => match Level::parse(s) {
                        Some(Level::On(sev)) => Ok(Some(sev)),
                        Some(Level::Off) => Ok(None),
                        None => Err(invalid(
                            at,
                            format!(
                                "`{key}`: write true, false, or a severity (\"error\", \"warning\")"
                            ),
                        )),
                    },
                    Some(_) => Err(invalid(
                        at,
                        format!(
                            "`{key}`: write true, false, or a severity (\"error\", \"warning\")"
                        ),
                    )),
                }
            };
            profile.jz_required = requirement("jz-required", &p.jz_required, profile.jz_required)?;
            profile.ndc_required =
                requirement("ndc-required", &p.ndc_required, profile.ndc_required)?;
            if let Some(b) = p.ndc_when_charted {
                profile.ndc_when_charted = b;
            }
            if let Some(b) = p.waste_witness_required {
                profile.waste_witness_required = b;
            }
            if let Some(b) = p.waste_evidence_required {
                profile.waste_evidence_required = b;
            }
            profile.prior_auth = p
                .prior_auth
                .iter()
                .map(|c| c.to_ascii_uppercase())
                .collect();
            profile.step_therapy = p
                .step_therapy
                .iter()
                .map(|c| c.to_ascii_uppercase())
                .collect();
            for (rule, value) in &p.rules {
                profile
                    .rules
                    .insert(rule.get_ref().clone(), level(rule, value)?);
            }
            config.payers.insert(name.to_ascii_lowercase(), profile);
        }
        if let Some(d) = &raw.draft {
            config.draft = draft(d, &config, path, &invalid)?;
        }
        Ok(config)
    }
}
