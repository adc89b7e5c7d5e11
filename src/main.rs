use std::io::BufRead;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use kontaktnav::auth::passwords::hash_password;
use kontaktnav::auth::tokens::parse_ttl;
use kontaktnav::auth::{Auth, AuthSettings, User};
use kontaktnav::db::accounts::{self, Account};
use kontaktnav::db::audit::WriteMeta;
use kontaktnav::db::{self, DatabaseLocation};
use kontaktnav::domain::Role;
use kontaktnav::service::demo;
use kontaktnav::settings::{DatabaseSettings, ServeSettings};
use kontaktnav::transfer::{self, ImportError, LineError};

/// mimalloc rather than the system's allocator: a directory is millions of small strings and
/// vectors, built on two threads at start-up; glibc's malloc kept about a gigabyte of freed
/// start-up memory resident at a million units (per-thread arenas, fragmentation), and spent
/// a sixth of the start-up in malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// kontaktnav: contact directory with a one-way-in lookup for health and social care in Borås.
#[derive(Debug, Parser)]
#[command(version, about, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    database: DatabaseSettings,
    #[command(flatten)]
    auth: AuthSettings,
    /// Settings for `serve`, also accepted without the subcommand.
    #[command(flatten)]
    serve: ServeSettings,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP API (the default).
    Serve(ServeSettings),
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Print a token signed with the service's own key (for bootstrapping and scripts).
    Token {
        /// Subject: who the token speaks for (recorded in the audit history).
        #[arg(long)]
        sub: String,
        #[command(flatten)]
        grant: Grant,
        /// Lifetime, e.g. 30m, 8h, 7d.
        #[arg(long, default_value = "1h", value_parser = parse_ttl)]
        ttl: std::time::Duration,
    },
    /// Import units and their numbers from a CSV file (the columns of the CSV export; see the
    /// README). All or nothing; every problem is reported with its line and column.
    Import {
        /// The CSV file.
        file: std::path::PathBuf,
        /// Check everything and report what would change; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Why (kept in the history of every unit the import changes).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Copy the SQLite database, consistent, while the service runs (SQLite's `VACUUM INTO`).
    Backup {
        /// The new file (must not exist).
        file: std::path::PathBuf,
    },
    /// Manage the built-in accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Add N generated units to the database (for benchmarks; never in production).
    #[command(hide = true)]
    Generate {
        #[arg(long)]
        units: usize,
    },
    /// Read a database file ahead into the page cache (started by `serve`, in a process of
    /// its own: see `src/db/read_ahead.rs`).
    #[command(hide = true, name = "read-ahead")]
    ReadAhead { file: std::path::PathBuf },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account; the password is read from the first line of standard input.
    Add {
        #[arg(long)]
        username: String,
        #[command(flatten)]
        grant: Grant,
    },
}

/// Who a token or an account speaks for, and what it may do.
#[derive(Debug, clap::Args)]
struct Grant {
    /// reader, editor or admin.
    #[arg(long, value_parser = parse_role)]
    role: Role,
    /// An organisation an editor may edit (repeat for several).
    #[arg(long = "org")]
    orgs: Vec<String>,
    /// Display name (default: the subject or user name).
    #[arg(long)]
    name: Option<String>,
}

fn parse_role(raw: &str) -> Result<Role, String> {
    Role::parse(raw).map_err(|e| e.en)
}

fn main() -> anyhow::Result<()> {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve(cli.serve)) {
        Command::Serve(serve) => {
            actix_web::rt::System::new().block_on(kontaktnav::startup::run(cli.database, cli.auth, serve))
        }
        Command::Migrate => db::connect(&DatabaseLocation::parse(&cli.database.database_url)?).map(drop),
        Command::Openapi => {
            print!("{}", kontaktnav::openapi::document());
            Ok(())
        }
        Command::Token { sub, grant, ttl } => {
            let auth = Auth::from_settings(&cli.auth)?;
            let user = User::new(sub, grant.name, grant.role, grant.orgs);
            println!("{}", auth.issue(&user, ttl)?);
            Ok(())
        }
        Command::User(UserCommand::Add { username, grant }) => {
            let username = accounts::username(&username).map_err(|e| anyhow::anyhow!(e.en))?;
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            if password.is_empty() {
                bail!("give the password on standard input, e.g. echo 'lösenord' | kontaktnav user add …");
            }
            let display_name = grant.name.unwrap_or_else(|| username.clone());
            let hash =
                hash_password(password, &username, &display_name).map_err(|e| anyhow::anyhow!(e.en))?;
            let pool = db::connect(&DatabaseLocation::parse(&cli.database.database_url)?)?;
            let mut conn = pool.get()?;
            let account = Account {
                display_name,
                username,
                role: grant.role,
                organisations: grant.orgs,
                disabled: false,
                version: 1,
                password_changed: false,
            };
            let meta = WriteMeta::system("cli", db::now());
            accounts::create(&mut conn, &meta, &account, &hash).map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("created account {} ({})", account.username, account.role);
            Ok(())
        }
        Command::Import {
            file,
            dry_run,
            reason,
        } => import(&cli.database, &file, dry_run, reason),
        Command::Backup { file } => {
            let bytes = db::backup::backup(&DatabaseLocation::parse(&cli.database.database_url)?, &file)?;
            println!("wrote {} ({bytes} bytes)", file.display());
            Ok(())
        }
        Command::ReadAhead { file } => db::read_ahead::read_whole_file(&file)
            .map(drop)
            .with_context(|| format!("reading {} ahead", file.display())),
        Command::Generate { units } => {
            let pool = db::connect(&DatabaseLocation::parse(&cli.database.database_url)?)?;
            let mut conn = pool.get()?;
            demo::load_if_empty(&mut conn)?;
            db::generate::generate(&mut conn, units)
        }
    }
}

/// `kontaktnav import FILE.csv [--dry-run]`: the import of `POST /v1/import`, straight to the
/// database, with a progress bar. A running service sees the change within seconds.
fn import(
    database: &DatabaseSettings,
    path: &std::path::Path,
    dry_run: bool,
    reason: Option<String>,
) -> anyhow::Result<()> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let file = match transfer::parse(&bytes) {
        Ok(file) => file,
        Err(errors) => return report_problems(path, &errors),
    };
    let pool = db::connect(&DatabaseLocation::parse(&database.database_url)?)?;
    let mut conn = pool.get()?;
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    let mut meta = WriteMeta::system("cli-import", db::now());
    meta.actor_name = Some(format!("kontaktnav import ({user})"));
    meta.reason = Some(reason.unwrap_or_else(|| format!("import av {}", path.display())));
    let bar = ProgressBar::new(file.unit_count() as u64).with_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} enheter ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(if dry_run { "provkör" } else { "importerar" });
    let outcome = transfer::import(&mut conn, &meta, file, dry_run, None, &mut |done, _| {
        bar.set_position(done as u64)
    });
    bar.finish_and_clear();
    match outcome {
        Ok(report) => {
            for w in &report.warnings {
                eprintln!(
                    "{}:{} [{}]: varning: {} / {}",
                    path.display(),
                    w.line,
                    w.column,
                    w.sv,
                    w.en
                );
            }
            for unit in report.diff.iter().filter(|_| dry_run) {
                let what = match unit.changes.len() {
                    _ if unit.created => "new".to_owned(),
                    fields => format!("changed: {fields} fields"),
                };
                println!("line {}: {} ({what})", unit.line, unit.name);
                for n in &unit.added_numbers {
                    println!("  + {} {} ({})", n.number, n.label, n.purpose.code());
                }
                for n in &unit.removed_numbers {
                    println!(
                        "  - {} {} ({}): not in the file, removed",
                        n.number,
                        n.label,
                        n.purpose.code()
                    );
                }
            }
            let verb = if dry_run { "would be" } else { "were" };
            println!(
                "{} rows, {} units: {} {verb} created, {} changed, {} unchanged{}",
                report.rows,
                report.units,
                report.created,
                report.changed,
                report.unchanged,
                report
                    .batch_id
                    .map(|b| format!("; batch {b} (GET /v1/audit?batch={b})"))
                    .unwrap_or_default()
            );
            Ok(())
        }
        Err(ImportError::Problems(errors)) => report_problems(path, &errors),
        Err(e) => Err(anyhow::anyhow!("{}", kontaktnav::error::AppError::from(e))),
    }
}

fn report_problems(path: &std::path::Path, errors: &[LineError]) -> anyhow::Result<()> {
    for e in errors {
        let column = if e.column.is_empty() {
            String::new()
        } else {
            format!(" [{}]", e.column)
        };
        eprintln!("{}:{}{column}: {} / {}", path.display(), e.line, e.sv, e.en);
    }
    eprintln!(
        "{} problem(s) in {}; nothing was imported / {} fel; inget importerades",
        errors.len(),
        path.display(),
        errors.len()
    );
    std::process::exit(1)
}
