//! A small builder for the tables of this schema, so every migration states only what is
//! particular to a table: every table gets a UUID `id`, every foreign key column gets an index,
//! and constraint and index names follow one pattern (`fk_`, `idx_`, `uq_` + table + columns).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{timestamp_with_time_zone, uuid, uuid_null};

/// A table under construction: its `CREATE TABLE` and the indexes that follow it.
pub struct NewTable {
    name: &'static str,
    create: TableCreateStatement,
    /// Indexes to create after the table.
    indexes: Vec<PendingIndex>,
}

/// An index to create, with the columns it covers and whether it is a plain (full,
/// non-unique) index that a wider index on the same leading columns can replace.
struct PendingIndex {
    columns: Vec<&'static str>,
    plain: bool,
    statement: IndexCreateStatement,
}

/// What happens to a row when the row its foreign key points at is deleted.
#[derive(Clone, Copy)]
pub enum OnDelete {
    Cascade,
    SetNull,
    Restrict,
}

impl NewTable {
    /// A table with a UUID primary key `id`.
    pub fn new(name: &'static str) -> Self {
        let mut create = Table::create();
        create.table(name).col(uuid("id").primary_key());
        Self { name, create, indexes: Vec::new() }
    }

    /// Adds a column.
    pub fn col(mut self, mut column: ColumnDef) -> Self {
        self.create.col(&mut column);
        self
    }

    /// Adds `created_at` (and `updated_at` when `updated` is set), UTC timestamps.
    pub fn timestamps(mut self, updated: bool) -> Self {
        self.create.col(timestamp_with_time_zone("created_at"));
        if updated {
            self.create.col(timestamp_with_time_zone("updated_at"));
        }
        self
    }

    /// Adds a UUID column referencing `parent(id)`, and an index on it.
    pub fn references(
        mut self,
        column: &'static str,
        parent: &'static str,
        nullable: bool,
        on_delete: OnDelete,
    ) -> Self {
        self.create.col(if nullable { uuid_null(column) } else { uuid(column) });
        let action = match on_delete {
            OnDelete::Cascade => ForeignKeyAction::Cascade,
            OnDelete::SetNull => ForeignKeyAction::SetNull,
            OnDelete::Restrict => ForeignKeyAction::Restrict,
        };
        self.create.foreign_key(
            ForeignKey::create()
                .name(format!("fk_{}_{}", self.name, column))
                .from(self.name, column)
                .to(parent, "id")
                .on_delete(action),
        );
        self.index(&[column])
    }

    /// Adds an index on `columns`, replacing a plain index on a leading part of them (the wider
    /// index serves those look-ups too).
    pub fn index(self, columns: &[&'static str]) -> Self {
        let statement = self.index_on("idx", columns);
        self.replacing_prefixes(columns, statement)
    }

    /// Adds a unique index on `columns`, replacing a plain index on a leading part of them.
    pub fn unique(self, columns: &[&'static str]) -> Self {
        let mut statement = self.index_on("uq", columns);
        statement.unique();
        self.replacing_prefixes(columns, statement)
    }

    /// Adds a unique index on `columns` over the rows where `column IS NULL` (e.g. the live rows
    /// of a soft-deleted table). It replaces nothing: a partial index does not serve every row.
    pub fn unique_where_null(mut self, columns: &[&'static str], column: &'static str) -> Self {
        let mut statement = self.index_on("uq", columns);
        statement.unique().cond_where(Expr::col(column).is_null());
        self.indexes.push(PendingIndex { columns: columns.to_vec(), plain: false, statement });
        self
    }

    fn replacing_prefixes(mut self, columns: &[&'static str], statement: IndexCreateStatement) -> Self {
        let plain = !statement.is_unique_key();
        self.indexes.retain(|index| !(index.plain && columns.starts_with(&index.columns)));
        self.indexes.push(PendingIndex { columns: columns.to_vec(), plain, statement });
        self
    }

    /// Adds a named CHECK constraint.
    pub fn check(mut self, name: &str, expr: Expr) -> Self {
        self.create.check((format!("ck_{}_{}", self.name, name), expr));
        self
    }

    /// Creates the table and its indexes.
    pub async fn create(self, manager: &SchemaManager<'_>) -> Result<(), DbErr> {
        manager.create_table(self.create).await?;
        for index in self.indexes {
            manager.create_index(index.statement).await?;
        }
        Ok(())
    }

    fn index_on(&self, prefix: &str, columns: &[&'static str]) -> IndexCreateStatement {
        let mut index = Index::create();
        index.name(format!("{prefix}_{}_{}", self.name, columns.join("_"))).table(self.name);
        for column in columns {
            index.col(*column);
        }
        index
    }
}

/// Drops tables in the order given (children before parents).
pub async fn drop_tables(manager: &SchemaManager<'_>, tables: &[&'static str]) -> Result<(), DbErr> {
    for table in tables {
        manager.drop_table(Table::drop().table(*table).to_owned()).await?;
    }
    Ok(())
}

/// `column >= 0`.
pub fn non_negative(column: &'static str) -> Expr {
    Expr::col(column).gte(0)
}

/// `low <= column <= high`.
pub fn between(column: &'static str, low: i64, high: i64) -> Expr {
    Expr::col(column).between(low, high)
}

/// `column IN (values…)`.
pub fn one_of(column: &'static str, values: &[&'static str]) -> Expr {
    Expr::col(column).is_in(values.iter().copied())
}
