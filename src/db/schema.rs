// Diesel table definitions for the migrations under `migrations/` (the shape
// `diesel print-schema` gives). Keep in step with them: every test loads the demo data through
// these definitions and reads it back, so a column that differs fails the suite.

diesel::table! {
    accounts (username) {
        username -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        organisations -> Text,
        disabled -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    areas (id) {
        id -> Text,
        name -> Text,
        kind -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        active_to -> Nullable<Date>,
        version -> BigInt,
        streets -> Nullable<Text>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        occurred_at -> Timestamp,
        actor_sub -> Text,
        actor_issuer -> Nullable<Text>,
        actor_name -> Nullable<Text>,
        actor_role -> Text,
        action -> Text,
        entity_type -> Text,
        entity_id -> Text,
        entity_version -> BigInt,
        organisation_id -> Nullable<Text>,
        before_state -> Nullable<Text>,
        after_state -> Nullable<Text>,
        reason -> Nullable<Text>,
        request_id -> Nullable<Text>,
        batch_id -> Nullable<Text>,
    }
}

diesel::table! {
    corrections (id) {
        id -> Text,
        unit_id -> Text,
        contact_point_id -> Nullable<Text>,
        message -> Text,
        proposed_number -> Nullable<Text>,
        reporter_sub -> Text,
        reporter_issuer -> Nullable<Text>,
        reporter_name -> Nullable<Text>,
        status -> Text,
        decided_by_sub -> Nullable<Text>,
        decided_by_issuer -> Nullable<Text>,
        decided_by_name -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decision_reason -> Nullable<Text>,
        applied_version -> Nullable<BigInt>,
        created_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    contact_points (id) {
        id -> Text,
        unit_id -> Text,
        purpose -> Text,
        label -> Text,
        visibility -> Text,
        e164 -> Text,
        national -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        removed_at -> Nullable<Timestamp>,
        hours -> Nullable<Text>,
        periods -> Nullable<Text>,
    }
}

diesel::table! {
    organisations (id) {
        id -> Text,
        name -> Text,
        short_name -> Nullable<Text>,
        kind -> Text,
        parent_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        active_to -> Nullable<Date>,
        version -> BigInt,
    }
}

diesel::table! {
    unit_areas (unit_id, area_id) {
        unit_id -> Text,
        area_id -> Text,
    }
}

diesel::table! {
    units (id) {
        id -> Text,
        name -> Text,
        kind -> Text,
        organisation_id -> Text,
        hsa_id -> Nullable<Text>,
        street -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        city -> Nullable<Text>,
        active_from -> Date,
        active_to -> Nullable<Date>,
        reviewed_at -> Nullable<Date>,
        note -> Nullable<Text>,
        vag_in_id -> Text,
        vag_in_purpose -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        fallback_contact_point_id -> Nullable<Text>,
        responsibility -> Nullable<Text>,
        preschools -> Nullable<Text>,
        review_interval_months -> Integer,
        periods -> Nullable<Text>,
        notices -> Nullable<Text>,
    }
}

diesel::table! {
    pending_fills (name) {
        name -> Text,
    }
}

diesel::table! {
    replaced_numbers (id) {
        id -> BigInt,
        e164 -> Text,
        unit_id -> Text,
        contact_point_id -> Text,
        purpose -> Text,
        visibility -> Text,
        replaced_by -> Nullable<Text>,
        replaced_at -> Timestamp,
    }
}

diesel::table! {
    vocabulary (word) {
        word -> Text,
        expansions -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(contact_points -> units (unit_id));
diesel::joinable!(unit_areas -> areas (area_id));
diesel::joinable!(unit_areas -> units (unit_id));
diesel::joinable!(units -> organisations (organisation_id));

diesel::allow_tables_to_appear_in_same_query!(
    accounts,
    areas,
    audit_events,
    contact_points,
    corrections,
    organisations,
    unit_areas,
    units,
    pending_fills,
    replaced_numbers,
    vocabulary,
);

diesel::table! {
    ended_sessions (session) {
        session -> Text,
        ended_at -> Timestamp,
        expires_at -> Timestamp,
    }
}
