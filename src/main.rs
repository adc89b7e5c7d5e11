use clap::{Parser, Subcommand};
use kontaktnav::db::{self, DatabaseLocation, demo};
use kontaktnav::settings::{DatabaseSettings, ServeSettings};

/// kontaktnav: contact directory with a one-way-in lookup for health and social care in Borås.
#[derive(Debug, Parser)]
#[command(version, about, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    database: DatabaseSettings,
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
    /// Add N generated units to the database (for benchmarks; never in production).
    #[command(hide = true)]
    Generate {
        #[arg(long)]
        units: usize,
    },
}

fn main() -> anyhow::Result<()> {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve(cli.serve)) {
        Command::Serve(serve) => {
            actix_web::rt::System::new().block_on(kontaktnav::startup::run(cli.database, serve))
        }
        Command::Migrate => db::connect(&DatabaseLocation::parse(&cli.database.database_url)?).map(drop),
        Command::Openapi => {
            print!("{}", kontaktnav::openapi::document());
            Ok(())
        }
        Command::Generate { units } => {
            let pool = db::connect(&DatabaseLocation::parse(&cli.database.database_url)?)?;
            let mut conn = pool.get()?;
            demo::load_if_empty(&mut conn)?;
            demo::generate(&mut conn, units)
        }
    }
}
