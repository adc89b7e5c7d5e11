//! The closed vocabularies of the directory: each value has a stable code (stored and sent over
//! the API) and a Swedish and English label. One macro defines them all, so parsing, labels and
//! the OpenAPI enumeration can never disagree.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Invalid, shown};

macro_rules! coded_enum {
    (
        $(#[$meta:meta])*
        $name:ident, what_sv = $what_sv:literal, what_en = $what_en:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $sv:literal, $en:literal; )+
        }
    ) => {
        $(#[$meta])*
        // `rename_all` and not a `rename = $code` per variant: utoipa does not read a literal
        // that comes in through a macro fragment, and published the Rust names ("VagIn").
        // `codes_are_the_wire_names_and_the_schema` checks that each code is its variant's
        // snake_case name, so the code, serde and the OpenAPI enumeration are one list.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label_sv(self) -> &'static str {
                match self { $($name::$variant => $sv),+ }
            }

            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }

            /// Parses a code; the error lists every allowed code.
            pub fn parse(input: &str) -> Result<Self, Invalid> {
                match input.trim() {
                    $($code => Ok($name::$variant),)+
                    other => {
                        let other = shown(other);
                        let allowed = [$($code),+].join(", ");
                        Err(Invalid::new(
                            format!("okänd {} '{}'; tillåtna värden: {}", $what_sv, other, allowed),
                            format!("unknown {} '{}'; allowed values: {}", $what_en, other, allowed),
                        ))
                    }
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

coded_enum! {
    /// What a unit is.
    UnitKind, what_sv = "enhetstyp", what_en = "unit kind" {
        Vardcentral = "vardcentral", "Vårdcentral", "Primary care centre";
        Rehab = "rehab", "Rehabmottagning", "Rehabilitation clinic";
        Bvc = "bvc", "Barnavårdscentral (BVC)", "Child health centre";
        Hemtjanst = "hemtjanst", "Hemtjänst", "Home care";
        Funktionsstod = "funktionsstod", "Funktionsstöd", "Disability support";
        Myndighet = "myndighet", "Myndighet (bistånd/LSS-handläggning)", "Needs assessment authority";
        KommunalPrimarvard = "kommunal_primarvard", "Kommunal primärvård", "Municipal primary care";
        SarskiltBoende = "sarskilt_boende", "Särskilt boende", "Residential care home";
        Korttidsboende = "korttidsboende", "Korttidsboende", "Short-term care home";
        LssBoende = "lss_boende", "LSS-bostad", "LSS housing";
        Socialpsykiatri = "socialpsykiatri", "Socialpsykiatri", "Social psychiatry";
        Mas = "mas", "Medicinskt ansvarig sjuksköterska (MAS)", "Medically responsible nurse";
        Mar = "mar", "Medicinskt ansvarig för rehabilitering (MAR)", "Medically responsible for rehabilitation";
        Tib = "tib", "Tjänsteman i beredskap (TIB)", "Municipal duty officer";
        OnCallDoctor = "on_call_doctor", "Läkare i beredskap", "On-call doctor";
        Hospital = "hospital", "Sjukhus", "Hospital";
    }
}

/// Broad groups of unit kinds, for menus and the printed list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KindCategory {
    /// Regional health care: vårdcentral, rehab, BVC, hospital.
    HealthCare,
    /// Municipal services: hemtjänst, funktionsstöd, myndighet, kommunal primärvård.
    Municipal,
    /// Housing with care: särskilt boende, korttid, LSS, socialpsykiatri.
    Boende,
    /// Functions and duty roles: MAS, MAR, TIB, on-call doctor.
    Function,
}

impl UnitKind {
    /// Order in an answer for an address: hemtjänst, funktionsstöd, myndighet, then the rest.
    pub fn address_rank(self) -> u8 {
        match self {
            UnitKind::Hemtjanst => 0,
            UnitKind::Funktionsstod => 1,
            UnitKind::Myndighet => 2,
            _ => 3,
        }
    }

    pub fn category(self) -> KindCategory {
        use UnitKind::*;
        match self {
            Vardcentral | Rehab | Bvc | Hospital => KindCategory::HealthCare,
            Hemtjanst | Funktionsstod | Myndighet | KommunalPrimarvard => KindCategory::Municipal,
            SarskiltBoende | Korttidsboende | LssBoende | Socialpsykiatri => KindCategory::Boende,
            Mas | Mar | Tib | OnCallDoctor => KindCategory::Function,
        }
    }
}

coded_enum! {
    /// What a contact point's number is for.
    Purpose, what_sv = "nummertyp", what_en = "purpose" {
        /// The one number to call: exactly one per unit.
        VagIn = "vag_in", "En väg in", "One way in";
        DirectAcute = "direct_acute", "Direktnummer akuta bedömningar", "Direct number for acute assessments";
        Switchboard = "switchboard", "Växel", "Switchboard";
        Fax = "fax", "Fax", "Fax";
        Sms = "sms", "Sms", "Text messages";
        Other = "other", "Övrigt", "Other";
    }
}

coded_enum! {
    /// Where a report of wrong information stands.
    CorrectionStatus, what_sv = "status", what_en = "status" {
        /// Reported, not yet decided.
        Open = "open", "Öppen", "Open";
        /// An editor agreed (and applied the proposed number, if there was one).
        Accepted = "accepted", "Godtagen", "Accepted";
        /// An editor did not agree, and said why.
        Rejected = "rejected", "Avvisad", "Rejected";
    }
}

coded_enum! {
    /// Who may see a contact point.
    Visibility, what_sv = "synlighet", what_en = "visibility" {
        /// Anyone, also the public.
        Public = "public", "Offentligt", "Public";
        /// Staff who are signed in.
        Internal = "internal", "Internt", "Internal";
    }
}

coded_enum! {
    /// What an organisation is.
    OrganisationKind, what_sv = "organisationstyp", what_en = "organisation kind" {
        Municipality = "municipality", "Kommun", "Municipality";
        Administration = "administration", "Förvaltning", "Municipal administration";
        Region = "region", "Region", "Region";
        Private = "private", "Privat vårdgivare", "Private provider";
    }
}

coded_enum! {
    /// What an area is.
    AreaKind, what_sv = "områdestyp", what_en = "area kind" {
        /// The two spring meeting areas, Möte 1 and Möte 2.
        MeetingArea = "meeting_area", "Mötesområde", "Meeting area";
        District = "district", "Distrikt", "District";
    }
}

coded_enum! {
    /// How the fixed doctor time at a boende is held.
    MeetingForm, what_sv = "mötesform", what_en = "meeting form" {
        OnSite = "on_site", "På plats", "On site";
        Video = "video", "Videomöte", "Video meeting";
        Phone = "phone", "Telefon", "Phone";
    }
}

coded_enum! {
    /// How often the fixed doctor time recurs (ISO week numbers).
    Interval, what_sv = "intervall", what_en = "interval" {
        Weekly = "weekly", "varje vecka", "every week";
        EvenWeeks = "even_weeks", "jämna veckor", "even weeks";
        OddWeeks = "odd_weeks", "udda veckor", "odd weeks";
    }
}

coded_enum! {
    /// A working day of the week.
    Weekday, what_sv = "veckodag", what_en = "weekday" {
        Mon = "mon", "måndagar", "Mondays";
        Tue = "tue", "tisdagar", "Tuesdays";
        Wed = "wed", "onsdagar", "Wednesdays";
        Thu = "thu", "torsdagar", "Thursdays";
        Fri = "fri", "fredagar", "Fridays";
    }
}

coded_enum! {
    /// What a signed-in user may do.
    Role, what_sv = "roll", what_en = "role" {
        /// Read everything, internal numbers included.
        Reader = "reader", "Läsare", "Reader";
        /// Edit the units of one's own organisations (and their sub-organisations).
        Editor = "editor", "Redaktör", "Editor";
        /// Everything, including organisations, areas and accounts.
        Admin = "admin", "Administratör", "Administrator";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_serialise_as_codes() {
        for kind in UnitKind::ALL {
            assert_eq!(UnitKind::parse(kind.code()).unwrap(), *kind);
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.code());
        }
        assert_eq!(Purpose::parse("vag_in").unwrap(), Purpose::VagIn);
    }

    /// Each code is what serde sends and accepts and what the OpenAPI document lists.
    fn wire_and_schema_agree<T>(all: &[T], code: fn(T) -> &'static str)
    where
        T: Copy + Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug + ToSchema,
    {
        let codes: Vec<&str> = all.iter().map(|v| code(*v)).collect();
        for value in all {
            assert_eq!(serde_json::to_value(value).unwrap(), code(*value));
            assert_eq!(serde_json::from_value::<T>(code(*value).into()).unwrap(), *value);
        }
        let schema = serde_json::to_value(T::schema()).unwrap();
        assert_eq!(schema["enum"], serde_json::json!(codes), "{}", T::name());
    }

    #[test]
    fn codes_are_the_wire_names_and_the_schema() {
        wire_and_schema_agree(UnitKind::ALL, UnitKind::code);
        wire_and_schema_agree(Purpose::ALL, Purpose::code);
        wire_and_schema_agree(CorrectionStatus::ALL, CorrectionStatus::code);
        wire_and_schema_agree(Visibility::ALL, Visibility::code);
        wire_and_schema_agree(OrganisationKind::ALL, OrganisationKind::code);
        wire_and_schema_agree(AreaKind::ALL, AreaKind::code);
        wire_and_schema_agree(MeetingForm::ALL, MeetingForm::code);
        wire_and_schema_agree(Interval::ALL, Interval::code);
        wire_and_schema_agree(Weekday::ALL, Weekday::code);
        wire_and_schema_agree(Role::ALL, Role::code);
    }

    #[test]
    fn unknown_code_lists_the_allowed_ones() {
        let err = UnitKind::parse("vardcentraal").unwrap_err();
        assert!(err.en.contains("unknown unit kind 'vardcentraal'"));
        assert!(err.en.contains("vardcentral, rehab"));
        assert!(err.sv.contains("okänd enhetstyp"));
    }
}
