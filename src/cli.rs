//! Command-line interface: flags with environment fallbacks, and the subcommands.

use std::net::SocketAddr;

use clap::{Parser, Subcommand, ValueEnum};

/// GraphQL gateway over a multi-tenant commerce domain, with a REST compatibility shim.
#[derive(Debug, Parser)]
#[command(name = "commerce-gateway", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Address to listen on.
    #[arg(long, env = "BIND_ADDR", default_value = "127.0.0.1:8080", global = true)]
    pub bind: SocketAddr,

    /// Database to use: `sqlite://FILE?mode=rwc` or `postgres://USER:PASSWORD@HOST/DB`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://commerce.db?mode=rwc", global = true)]
    pub database_url: String,

    /// Largest number of pooled database connections.
    #[arg(long, env = "DB_MAX_CONNECTIONS", default_value_t = 8, global = true)]
    pub db_max_connections: u32,

    /// Seed the demo data (idempotently) and print demo logins and a ready API key at start-up.
    #[arg(long, env = "DEMO", global = true, value_parser = clap::builder::FalseyValueParser::new())]
    pub demo: bool,

    /// `development` allows conveniences such as a random JWT secret; `production` refuses them.
    #[arg(long, env = "APP_ENV", value_enum, default_value_t = AppEnv::Development, global = true)]
    pub app_env: AppEnv,

    /// Log lines for people (`human`) or for log collectors (`json`).
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Human, global = true)]
    pub log_format: LogFormat,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve HTTP (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the GraphQL schema (SDL) and exit.
    Schema,
    /// Manage users.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create a user who can log in.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AppEnv {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Human,
    Json,
}
