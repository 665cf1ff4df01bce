// The release build (LTO) lays out the future that resolves the merged `Mutation` root, one
// nesting level per member object; sixteen members pass the default limit of 128.
#![recursion_limit = "256"]

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use commerce_gateway::cli::{Cli, Command, UsersCommand};
use commerce_gateway::config::{Config, DatabaseConfig};
use commerce_gateway::demo::generated::{self, SeedSize};
use commerce_gateway::{auth::users, db, graphql, startup::Application, telemetry};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// mimalloc: answers allocate many small objects (GraphQL values, rows); the system allocator
/// spent a quarter of the time of a large catalog query in malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Before the runtime's threads and their first allocations.
    without_transparent_huge_pages();
    start()
}

#[tokio::main]
async fn start() -> ExitCode {
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

/// Opts the process out of transparent huge pages. mimalloc asks the kernel for them on its
/// arena, so a page touched once holds 2 MB resident: at the benchmark's default size that was a
/// fifth of the peak RSS (104 against 84 MB on SQLite), for no measurable speed. The flag covers
/// every mapping of the process from here on; where the kernel lacks it nothing changes.
fn without_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    if let Err(error) = rustix::thread::disable_transparent_huge_pages(true) {
        eprintln!("transparent huge pages stay on: {error}");
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
        Some(Command::Seed { owner, stores, products, variants, fields, options }) => {
            let size = SeedSize { stores, products, variants, fields, options };
            size.validate().map_err(anyhow::Error::msg)?;
            let db = db::connect(&database).await?;
            let email = users::normalize_email(&owner).context("--owner is not an email address")?;
            let user = entity::user::Entity::find()
                .filter(entity::user::Column::Email.eq(email))
                .one(&db.conn)
                .await?
                .with_context(|| format!("no user {owner}: create one with `commerce-gateway users create`"))?;
            let stores = generated::generate(&db.conn, user.id, size).await.context("cannot seed")?;
            println!("added {} stores for {} ({size:?})", stores.len(), user.email);
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
