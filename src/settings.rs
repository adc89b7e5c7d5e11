//! Settings, from command-line flags or environment variables (flags win). The defaults give a
//! working service with an embedded SQLite file and demo data; nothing else is needed.

use clap::{ArgAction, Args};

/// Settings every subcommand needs.
#[derive(Debug, Clone, Args)]
pub struct DatabaseSettings {
    /// Where the data lives: `sqlite://path/to/file.db` (or just a path).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/kontaktnav.db",
        global = true
    )]
    pub database_url: String,
}

/// Settings of the HTTP service.
#[derive(Debug, Clone, Args)]
pub struct ServeSettings {
    /// Address and port to listen on.
    #[arg(long, env = "BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Load the Borås demo directory into an empty database on start. Turn off in production.
    #[arg(long, env = "DEMO_DATA", default_value_t = true, action = ArgAction::Set)]
    pub demo_data: bool,
    /// HTTP worker threads (default: one per CPU core).
    #[arg(long, env = "WORKERS", value_parser = clap::value_parser!(u16).range(1..))]
    pub workers: Option<u16>,
    /// Keep the rankings of recent searches in memory (per snapshot). Turn off only to measure
    /// the uncached search path.
    #[arg(long, env = "SEARCH_CACHE", default_value_t = true, action = ArgAction::Set)]
    pub search_cache: bool,
}
