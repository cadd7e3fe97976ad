//! What the 837P needs and neither the draft nor the configuration holds is an error naming the claim
//! and the statement or setting to add.

mod common;

use claimls_rules::config::Config;
use std::path::Path;

const CLAIM: &str = "claim C-1
  payer commercial \"Bluestem Health\"
  patient M-88421
  provider 1234567893
  pos 11
  dx A G35.A
  line J9999 units 1 dx A on 2026-11-20
  line 96413 units 1 dx A on 2026-11-20
";

fn errors(text: &str, config: &Config) -> String {
    let patients = common::patients(&common::claims_dir().join("patients.toml"));
    common::export("c.claim", text, config, &patients).unwrap_err()
}

#[test]
fn a_missing_payer_id_names_the_setting() {
    let config = common::config(&common::claims_dir());
    let text = CLAIM.replace(
        "commercial \"Bluestem Health\"",
        "medicare-advantage \"Bluestem Senior\"",
    );
    let mut config_no_ma = config.clone();
    config_no_ma.x12.payers.remove("medicare-advantage");
    assert_eq!(
        errors(&text, &config_no_ma),
        "c.claim:1: claim C-1: payer `Bluestem Senior` has no payer id: add `[x12.payers.\"Bluestem Senior\"]` with `id` and `name` to claimls.toml"
    );
}

#[test]
fn a_line_without_charge_or_fee_names_the_statement_and_the_setting() {
    let config = common::config(&common::claims_dir());
    assert_eq!(
        errors(CLAIM, &config),
        "c.claim:1: claim C-1: line 1 (J9999) has no charge: write `charge <amount>` on the line, or set `J9999 = \"<charge per unit>\"` in `[x12.fees]` of claimls.toml"
    );
}

#[test]
fn without_organization_settings_nothing_is_written() {
    let e = errors(CLAIM, &Config::default());
    assert!(
        e.starts_with("claimls.toml: no `[organization]` table"),
        "{e}"
    );
}

#[test]
fn a_patient_not_in_the_file_is_named_without_its_data() {
    let config = common::config(&common::claims_dir());
    let text = CLAIM
        .replace("M-88421", "M-00000")
        .replace("J9999", "J2350");
    let e = errors(&text, &config);
    assert!(e.contains("its `patient` is not in"), "{e}");
    assert!(e.contains("add a `[patients.\"<id>\"]` table"), "{e}");
    assert!(!e.contains("M-00000"), "{e}");
}

#[test]
fn a_note_with_a_separator_is_refused_rather_than_changed() {
    let config = common::config(&common::claims_dir());
    let text = CLAIM
        .replace("J9999", "J2350")
        .replace("  pos 11\n", "  pos 11\n  note \"dose 5*2 vials\"\n");
    assert_eq!(
        errors(&text, &config),
        "c.claim:1: claim C-1: a `note` contains `*`, which separates X12 values: rephrase it without"
    );
}

#[test]
fn organization_settings_are_read_and_unknown_keys_refused() {
    let config = common::config(&common::claims_dir());
    assert_eq!(config.organization.as_ref().unwrap().npi, "1234567893");
    let bad = "[organization]\nname = \"A\"\nnpi = \"1234567893\"\ntax-id = \"1\"\naddress = \"x\"\ncity = \"y\"\nstate = \"IL\"\nzip = \"1\"\ncontact-name = \"c\"\ncontact-phone = \"1\"\nfax = \"1\"\n";
    let e = Config::parse(bad, Path::new("claimls.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("claimls.toml:") && e.contains("unknown field `fax`"),
        "{e}"
    );
    let fee = "[x12.fees]\nJ2350 = 75.5\n";
    let e = Config::parse(fee, Path::new("claimls.toml"))
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "claimls.toml:1: fee of `J2350`: write the amount in quotes, e.g. `J2350 = \"12.50\"`"
    );
}
