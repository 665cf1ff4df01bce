use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use commerce_gateway::cli::{Cli, Command, UsersCommand};
use commerce_gateway::config::{Config, DatabaseConfig};
use commerce_gateway::{db, domain::users, graphql, startup::Application, telemetry};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init(cli.log_format);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let database = DatabaseConfig::from_cli(&cli);
    match cli.command {
        None | Some(Command::Serve) => Application::build(Config::from_cli(&cli)?).await?.run_until_stopped().await,
        Some(Command::Migrate) => {
            db::connect(&database).await?;
            println!("migrations applied to {}", database.redacted_url());
            Ok(())
        }
        Some(Command::Schema) => {
            print!("{}", graphql::sdl());
            Ok(())
        }
        Some(Command::Users { command: UsersCommand::Create { email, password } }) => {
            let db = db::connect(&database).await?;
            let user = users::create(&db.conn, &email, &password).await.context("cannot create the user")?;
            println!("created user {} ({})", user.email, user.id);
            Ok(())
        }
    }
}
