//! The built-in accounts of standalone mode. Password hashes never leave this module except
//! for the check at sign-in, and never enter the audit history.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use std::borrow::Cow;

use super::audit::{self, Audited, Entity, WriteMeta};
use super::models::AccountRow;
use super::schema::accounts;
use super::versioned::{self, Versioned};
use super::{DbConnection, write_transaction};
use super::{StoreError, StoreResult};
use crate::domain::{Invalid, Role, shown};

/// An account, as the API and the audit history show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Account {
    #[schema(example = "redaktor.vaf")]
    pub username: String,
    #[schema(example = "Redaktör VÄF")]
    pub display_name: String,
    pub role: Role,
    /// Organisations an editor may edit.
    pub organisations: Vec<String>,
    pub disabled: bool,
    pub version: i64,
    /// Set in the audit history when a write changed the password.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[schema(ignore)]
    pub password_changed: bool,
}

/// A user name: 2–64 characters a–z, 0–9, `.`, `_`, `-`, `@`.
pub fn username(raw: &str) -> Result<String, Invalid> {
    let name = raw.trim().to_lowercase();
    let ok = (2..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-@".contains(&b));
    if ok {
        Ok(name)
    } else {
        Err(Invalid::new(
            format!(
                "'{}' är inget giltigt användarnamn: 2–64 tecken a–z, 0–9, . _ - @",
                shown(raw)
            ),
            format!(
                "'{}' is not a valid user name: 2–64 characters a–z, 0–9, . _ - @",
                shown(raw)
            ),
        ))
    }
}

fn account_from(row: AccountRow) -> StoreResult<(Account, String)> {
    let role = Role::parse(&row.role)
        .map_err(|e| StoreError::Corrupt(anyhow::anyhow!("stored account {}: {}", row.username, e.en)))?;
    let organisations: Vec<String> = serde_json::from_str(&row.organisations)
        .map_err(|e| StoreError::Corrupt(anyhow::anyhow!("stored account {}: {e}", row.username)))?;
    Ok((
        Account {
            username: row.username,
            display_name: row.display_name,
            role,
            organisations,
            disabled: row.disabled,
            version: row.version,
            password_changed: false,
        },
        row.password_hash,
    ))
}

/// The account and its password hash.
pub fn find(conn: &mut DbConnection, username: &str) -> StoreResult<Option<(Account, String)>> {
    accounts::table
        .find(username)
        .select(AccountRow::as_select())
        .first(conn)
        .optional()?
        .map(account_from)
        .transpose()
}

pub fn list(conn: &mut DbConnection) -> StoreResult<Vec<Account>> {
    accounts::table
        .order(accounts::username)
        .select(AccountRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|row| account_from(row).map(|(a, _)| a))
        .collect()
}

fn organisations_json(account: &Account) -> StoreResult<String> {
    serde_json::to_string(&account.organisations).map_err(|e| StoreError::Corrupt(e.into()))
}

fn record(
    conn: &mut DbConnection,
    meta: &WriteMeta,
    action: &str,
    before: Option<&Account>,
    after: &Account,
) -> StoreResult<()> {
    audit::record(conn, meta, action, before, after)?;
    Ok(())
}

pub fn create(
    conn: &mut DbConnection,
    meta: &WriteMeta,
    account: &Account,
    password_hash: &str,
) -> StoreResult<()> {
    write_transaction(conn, |conn| {
        if find(conn, &account.username)?.is_some() {
            return Err(StoreError::conflict(
                format!("användarnamnet {} är upptaget", account.username),
                format!("the user name {} is taken", account.username),
            ));
        }
        diesel::insert_into(accounts::table)
            .values(AccountRow {
                username: account.username.clone(),
                display_name: account.display_name.clone(),
                password_hash: password_hash.to_owned(),
                role: account.role.code().to_owned(),
                organisations: organisations_json(account)?,
                disabled: account.disabled,
                version: account.version,
                created_at: meta.at,
                updated_at: meta.at,
            })
            .execute(conn)?;
        let mut recorded = account.clone();
        recorded.password_changed = true;
        record(conn, meta, "account.create", None, &recorded)
    })
}

impl Audited for Account {
    const ENTITY: Entity = Entity::Account;
    fn entity_id(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.username)
    }
    fn version(&self) -> i64 {
        self.version
    }
}

impl Versioned for Account {
    fn set_version(&mut self, version: i64) {
        self.version = version;
    }
    fn keep_identity(&mut self, stored: &Self) {
        self.username.clone_from(&stored.username);
    }
    fn load(conn: &mut DbConnection, key: &str) -> StoreResult<Option<Self>> {
        Ok(find(conn, key)?.map(|(account, _)| account))
    }
    fn not_found(key: &str) -> StoreError {
        StoreError::not_found(
            format!("det finns inget konto {key}"),
            format!("there is no account {key}"),
        )
    }
}

/// Changes an account; `password_hash` replaces the password when given (its audit event
/// says so, never what it is).
pub fn change(
    conn: &mut DbConnection,
    meta: &WriteMeta,
    username: &str,
    expected_version: i64,
    edit: impl FnOnce(&Account) -> Account,
    password_hash: Option<String>,
) -> StoreResult<Account> {
    let new_password = password_hash.is_some();
    let edit = |a: &Account| {
        Ok(Account {
            password_changed: new_password,
            ..edit(a)
        })
    };
    let mut after = versioned::change(
        conn,
        meta,
        username,
        expected_version,
        "account.update",
        edit,
        |conn, _, after| {
            diesel::update(accounts::table.find(username))
                .set((
                    accounts::display_name.eq(&after.display_name),
                    accounts::role.eq(after.role.code()),
                    accounts::organisations.eq(organisations_json(after)?),
                    accounts::disabled.eq(after.disabled),
                    accounts::version.eq(after.version),
                    accounts::updated_at.eq(meta.at),
                ))
                .execute(conn)?;
            if let Some(hash) = &password_hash {
                diesel::update(accounts::table.find(username))
                    .set(accounts::password_hash.eq(hash))
                    .execute(conn)?;
            }
            Ok(())
        },
    )?;
    after.password_changed = false;
    Ok(after)
}
