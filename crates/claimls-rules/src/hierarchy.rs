//! The administration hierarchy (facts §11, §15): what each drug-administration code bills, which
//! administration of the encounter each billed code belongs to, and what the encounter's codes should
//! be.
//!
//! One initial service per encounter, chosen by the hierarchy (chemotherapy/complex-biologic infusion >
//! chemotherapy push > therapeutic infusion > therapeutic push > hydration), not by the clock; every
//! other IV service of the encounter is a subsequent one (sequential 96367, concurrent 96368, push of a
//! new drug 96375, chemotherapy 96411/96417). Additional hours count the time of *their own* infusion.

use crate::encounter::{Administration, Delivery, additional_hours};
use claimls_data::InfusionFamily as Family;
use claimls_model::Date;

/// What a drug-administration code bills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// 96360, 96365, 96413: the first hour of the encounter's initial infusion.
    InitialInfusion(Family),
    /// 96361, 96366, 96415: each additional hour of an infusion (96361 also: hydration after another
    /// initial service).
    AdditionalHour(Family),
    /// 96367, 96417: the first hour of a sequential infusion of a new drug.
    Sequential(Family),
    /// 96368: an infusion concurrent with another one (once per encounter).
    Concurrent,
    /// 96374, 96409: the initial service is a push.
    InitialPush(Family),
    /// 96375, 96411: a push of a new drug after the initial service.
    SubsequentPush(Family),
    /// 96376: the same drug pushed again (facilities only).
    RepeatPush,
    /// 96372, 96401, 96402: a subcutaneous or intramuscular injection (outside the IV hierarchy).
    Injection,
    /// Another administration code (96369–96371, 96373, 96377, 96379, 96405, 96406, 96416).
    Other,
}

impl Service {
    /// The service a CPT administration code bills, when it is one.
    pub fn of(code: &str) -> Option<Service> {
        use claimls_data::InfusionFamily::*;
        Some(match code {
            "96360" => Service::InitialInfusion(Hydration),
            "96361" => Service::AdditionalHour(Hydration),
            "96365" => Service::InitialInfusion(Therapeutic),
            "96366" => Service::AdditionalHour(Therapeutic),
            "96367" => Service::Sequential(Therapeutic),
            "96368" => Service::Concurrent,
            "96374" => Service::InitialPush(Therapeutic),
            "96375" => Service::SubsequentPush(Therapeutic),
            "96376" => Service::RepeatPush,
            "96372" | "96401" | "96402" => Service::Injection,
            "96409" => Service::InitialPush(Chemotherapy),
            "96411" => Service::SubsequentPush(Chemotherapy),
            "96413" => Service::InitialInfusion(Chemotherapy),
            "96415" => Service::AdditionalHour(Chemotherapy),
            "96417" => Service::Sequential(Chemotherapy),
            "96369" | "96370" | "96371" | "96373" | "96377" | "96379" | "96405" | "96406"
            | "96416" => Service::Other,
            _ => return None,
        })
    }

    /// The rank of an initial service in the hierarchy (higher is chosen as the initial).
    pub fn rank(self) -> Option<u8> {
        match self {
            Service::InitialInfusion(Family::Chemotherapy) => Some(6),
            Service::InitialPush(Family::Chemotherapy) => Some(5),
            Service::InitialInfusion(Family::Therapeutic) => Some(4),
            Service::InitialPush(Family::Therapeutic) => Some(3),
            Service::InitialInfusion(Family::Hydration) => Some(2),
            _ => None,
        }
    }

    pub fn is_initial(self) -> bool {
        self.rank().is_some()
    }

    /// Whether the code bills time on a drip (so it needs an administration of more than 15 minutes).
    pub fn is_infusion(self) -> bool {
        matches!(
            self,
            Service::InitialInfusion(Family::Therapeutic | Family::Chemotherapy)
                | Service::Sequential(_)
                | Service::Concurrent
        )
    }

    pub fn family(self) -> Option<Family> {
        match self {
            Service::InitialInfusion(f)
            | Service::AdditionalHour(f)
            | Service::Sequential(f)
            | Service::InitialPush(f)
            | Service::SubsequentPush(f) => Some(f),
            _ => None,
        }
    }
}

/// The code of a service: the inverse of [`Service::of`] for the codes the rules write.
pub fn code_of(service: Service) -> Option<&'static str> {
    use claimls_data::InfusionFamily::*;
    Some(match service {
        Service::InitialInfusion(Hydration) => "96360",
        Service::AdditionalHour(Hydration) => "96361",
        Service::InitialInfusion(Therapeutic) => "96365",
        Service::AdditionalHour(Therapeutic) => "96366",
        Service::Sequential(Therapeutic) => "96367",
        Service::Concurrent => "96368",
        Service::InitialPush(Therapeutic) => "96374",
        Service::SubsequentPush(Therapeutic) => "96375",
        Service::RepeatPush => "96376",
        Service::InitialPush(Chemotherapy) => "96409",
        Service::SubsequentPush(Chemotherapy) => "96411",
        Service::InitialInfusion(Chemotherapy) => "96413",
        Service::AdditionalHour(Chemotherapy) => "96415",
        Service::Sequential(Chemotherapy) => "96417",
        _ => return None,
    })
}

/// What an initial service becomes when another, higher one is the encounter's initial: the
/// subsequent code of the same kind of service. `None` when that depends on more than the codes (a
/// second hydration initial, two initials of equal rank of the same drug).
pub fn as_subsequent(service: Service) -> Option<Service> {
    match service {
        Service::InitialInfusion(Family::Hydration) => {
            Some(Service::AdditionalHour(Family::Hydration))
        }
        Service::InitialInfusion(f) => Some(Service::Sequential(f)),
        Service::InitialPush(f) => Some(Service::SubsequentPush(f)),
        _ => None,
    }
}

/// The push code for an infusion code billed for an administration of 15 minutes or less.
pub fn as_push(service: Service) -> Option<Service> {
    match service {
        Service::InitialInfusion(f @ (Family::Therapeutic | Family::Chemotherapy)) => {
            Some(Service::InitialPush(f))
        }
        Service::Sequential(f) => Some(Service::SubsequentPush(f)),
        _ => None,
    }
}

/// One billed administration code of an encounter, bound to the administration it bills.
#[derive(Debug, Clone)]
pub struct BilledService {
    /// Index into `ClaimCtx::lines`.
    pub line: usize,
    pub service: Service,
    /// Index into `ClaimCtx::administrations`: the administration this code bills, when the binding is
    /// unambiguous.
    pub administration: Option<usize>,
}

/// One date of service: its administrations and its administration-code lines, bound.
pub struct Encounter {
    pub dos: Option<Date>,
    /// Indexes into `ClaimCtx::administrations`.
    pub administrations: Vec<usize>,
    /// Indexes into `ClaimCtx::lines`: every line of the encounter (drug and administration codes).
    pub lines: Vec<usize>,
    /// The administration-code lines, each bound to its administration.
    pub services: Vec<BilledService>,
    /// Index into `services`: the billed initial service the hierarchy keeps (the highest rank, the
    /// first of equals); `None` when no initial service is billed.
    pub initial: Option<usize>,
}

impl Encounter {
    /// Bind the administration codes of one date to the administrations of that date.
    pub fn bind(
        dos: Option<Date>,
        administrations: Vec<usize>,
        lines: Vec<usize>,
        services: Vec<(usize, Service)>,
        all: &[Administration],
    ) -> Encounter {
        let mut billed: Vec<BilledService> = services
            .into_iter()
            .map(|(line, service)| BilledService {
                line,
                service,
                administration: None,
            })
            .collect();
        let initial = billed
            .iter()
            .enumerate()
            .filter_map(|(i, b)| b.service.rank().map(|r| (i, r)))
            .max_by(|(ia, ra), (ib, rb)| ra.cmp(rb).then(ib.cmp(ia)))
            .map(|(i, _)| i);
        let iv: Vec<usize> = administrations
            .iter()
            .copied()
            .filter(|&a| all[a].delivery.is_intravenous())
            .collect();
        let mut taken: Vec<usize> = Vec::new();
        // The initial service first: it bills the main reason for the encounter.
        let order: Vec<usize> = initial
            .into_iter()
            .chain((0..billed.len()).filter(|i| Some(*i) != initial))
            .collect();
        for i in order {
            let service = billed[i].service;
            billed[i].administration = bind_one(service, &iv, &taken, all);
            if let Some(a) = billed[i].administration
                && !matches!(service, Service::AdditionalHour(_))
            {
                taken.push(a);
            }
        }
        // Additional hours go with the infusion of their family's initial or sequential code.
        for i in 0..billed.len() {
            let Service::AdditionalHour(family) = billed[i].service else {
                continue;
            };
            let owners: Vec<usize> = billed
                .iter()
                .filter(|b| {
                    matches!(b.service, Service::InitialInfusion(f) | Service::Sequential(f) if f == family)
                })
                .filter_map(|b| b.administration)
                .collect();
            billed[i].administration = match owners.as_slice() {
                [only] => Some(*only),
                _ => None,
            };
        }
        Encounter {
            dos,
            administrations,
            lines,
            services: billed,
            initial,
        }
    }

    /// The additional hours the documented infusions give a family: the sum, over the infusions billed
    /// with that family's initial or sequential code, of each infusion's own additional hours. `None`
    /// when an infusion of the family has no documented duration.
    pub fn expected_hours(&self, family: Family, all: &[Administration]) -> Option<i64> {
        let mut total = 0;
        let mut any = false;
        for b in &self.services {
            if !matches!(b.service, Service::InitialInfusion(f) | Service::Sequential(f) if f == family)
            {
                continue;
            }
            let a = b.administration?;
            let Delivery::Infusion { minutes } = all[a].delivery else {
                return None;
            };
            total += additional_hours(minutes);
            any = true;
        }
        any.then_some(total)
    }
}

/// The administration a code bills, among the IV administrations of the encounter not yet taken.
fn bind_one(
    service: Service,
    iv: &[usize],
    taken: &[usize],
    all: &[Administration],
) -> Option<usize> {
    let free = || iv.iter().copied().filter(|a| !taken.contains(a));
    let pick = |candidates: Vec<usize>| -> Option<usize> {
        // The longest infusion is the main reason for the encounter; among equals the first.
        candidates
            .into_iter()
            .max_by_key(|&a| match all[a].delivery {
                Delivery::Infusion { minutes } => (2, minutes),
                Delivery::Push { .. } => (1, 0),
                _ => (0, 0),
            })
    };
    match service {
        Service::InitialInfusion(Family::Hydration) => {
            pick(free().filter(|&a| all[a].hydration).collect())
        }
        Service::InitialInfusion(_) | Service::Sequential(_) | Service::Concurrent => {
            let drugs: Vec<usize> = free().filter(|&a| !all[a].hydration).collect();
            let infusions: Vec<usize> = drugs
                .iter()
                .copied()
                .filter(|&a| matches!(all[a].delivery, Delivery::Infusion { .. }))
                .collect();
            if infusions.is_empty() {
                // Only pushes (or untimed IV) left: the code bills one of them, if there is one.
                match drugs.as_slice() {
                    [only] => Some(*only),
                    _ => None,
                }
            } else {
                pick(infusions)
            }
        }
        Service::InitialPush(_) | Service::SubsequentPush(_) | Service::RepeatPush => {
            let pushes: Vec<usize> = free()
                .filter(|&a| matches!(all[a].delivery, Delivery::Push { .. }))
                .collect();
            pushes.first().copied()
        }
        _ => None,
    }
}
