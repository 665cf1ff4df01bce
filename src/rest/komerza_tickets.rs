//! Komerza routes for support tickets under `/stores/{storeId}/tickets`: lists, one ticket with
//! its messages, opening, messages, closing, archiving and deleting. Statuses and authors travel
//! in lower case (`open`, `answered`, `closed`; `customer`, `merchant`), as order statuses do.

use axum::http::Method;
use serde_json::{json, Value};

use super::komerza::{created, list, ok, page_args};
use super::route::{
    field, form, found, param, text, Answer, Family, Field, Kind, RestError, RestRequest, Route, PAGE, PAGE_SIZE,
};
use crate::domain::tickets::{MESSAGE, SUBJECT};
use crate::graphql::catalog::product_list::MAX_SEARCH_LEN;

/// An operation followed by the ticket fields (`...T`); `messages` is selected where a route
/// shows one ticket.
macro_rules! ticket_doc {
    ($operation:literal) => {
        concat!($operation, " fragment T on Ticket { id dateCreated dateUpdated storeId customerId email subject orderId status messageCount lastMessageAt isArchived }")
    };
}

/// One ticket with its messages, as answers and `ticket.*` webhook payloads carry it.
pub(super) const ONE_TICKET: &str =
    ticket_doc!("query($id: UUID!) { row: ticket(id: $id) { ...T messages { id dateCreated author body } } }");

pub(super) const STATUSES: &[&str] = &["open", "answered", "closed"];

const TICKET_FORM: &[Field] = &[
    text("subject", SUBJECT, true),
    text("message", MESSAGE, true),
    field("orderId", "string", false),
    field("customerId", "string", false),
];
const MESSAGE_FORM: &[Field] = &[text("message", MESSAGE, true)];

pub static ROUTES: [Route; 9] = [
    store_route!(
        GET,
        "/stores/{storeId}/tickets",
        "List a store's tickets, newest first (Page, PageSize; Status, Search by subject, IncludeArchived); a customer sees its own",
        Answer::Page("Ticket"),
        &[PAGE, PAGE_SIZE, param("Status", Kind::OneOf(STATUSES)), param("Search", Kind::Text(MAX_SEARCH_LEN)), param("IncludeArchived", Kind::Flag)],
        None,
        ticket_doc!("query($store: UUID!, $first: Int!, $offset: Int!, $filter: TicketFilter) { tickets(storeId: $store, first: $first, offset: $offset, filter: $filter) { totalCount nodes { ...T } } }"),
        |r| {
            let mut variables = page_args(r)?;
            variables["filter"] = list_filter(r)?;
            Ok(variables)
        },
        |r, data| list(r, found(&data["tickets"], "store")?, ticket)
    ),
    store_route!(
        POST,
        "/stores/{storeId}/tickets",
        "Open a ticket with its first message (the store's staff name the customer)",
        Answer::Created("Ticket"),
        &[],
        form(TICKET_FORM),
        ticket_doc!("mutation($store: UUID!, $input: OpenTicketInput!) { row: openTicket(storeId: $store, input: $input) { ...T messages { id dateCreated author body } } }"),
        |r| Ok(json!({ "store": r.store_id()?, "input": r.body })),
        |_, data| created(ticket(&data["row"]))
    ),
    store_route!(
        GET,
        "/stores/{storeId}/tickets/{ticketId}",
        "Get a ticket with its messages",
        Answer::One("Ticket"),
        &[],
        None,
        ONE_TICKET,
        |r| Ok(json!({ "id": r.path_uuid("ticketId", "ticket")? })),
        |_, data| found(&data["row"], "ticket").map(|row| ok(ticket(row)))
    ),
    store_route!(
        DELETE,
        "/stores/{storeId}/tickets/{ticketId}",
        "Delete a ticket and its messages",
        Answer::Nothing,
        &[],
        None,
        "mutation($id: UUID!) { deleteTicket(id: $id) }",
        |r| Ok(json!({ "id": r.path_uuid("ticketId", "ticket")? })),
        |_, _| Ok(ok(Value::Null))
    ),
    store_route!(
        GET,
        "/stores/{storeId}/tickets/{ticketId}/messages",
        "List a ticket's messages, oldest first",
        Answer::One("TicketMessages"),
        &[],
        None,
        "query($id: UUID!) { row: ticket(id: $id) { messages { id dateCreated author body } } }",
        |r| Ok(json!({ "id": r.path_uuid("ticketId", "ticket")? })),
        |_, data| found(&data["row"], "ticket").map(|row| ok(messages(&row["messages"])))
    ),
    store_route!(
        POST,
        "/stores/{storeId}/tickets/{ticketId}/messages",
        "Add a message: the customer's makes the ticket open (reopening a closed one), the merchant's answered; answers the ticket",
        Answer::Created("Ticket"),
        &[],
        form(MESSAGE_FORM),
        ticket_doc!("mutation($id: UUID!, $message: String!) { row: replyToTicket(id: $id, message: $message) { ...T messages { id dateCreated author body } } }"),
        |r| Ok(json!({ "id": r.path_uuid("ticketId", "ticket")?, "message": r.body["message"] })),
        |_, data| created(ticket(&data["row"]))
    ),
    store_route!(
        POST,
        "/stores/{storeId}/tickets/{ticketId}/close",
        "Close an open or answered ticket",
        Answer::One("Ticket"),
        &[],
        None,
        ticket_doc!("mutation($id: UUID!) { row: closeTicket(id: $id) { ...T } }"),
        |r| Ok(json!({ "id": r.path_uuid("ticketId", "ticket")? })),
        |_, data| Ok(ok(ticket(&data["row"])))
    ),
    store_route!(
        POST,
        "/stores/{storeId}/tickets/{ticketId}/archive",
        "Archive a ticket (kept, left out of the store's default lists); the store's staff only",
        Answer::One("Ticket"),
        &[],
        None,
        ticket_doc!("mutation($id: UUID!) { row: archiveTicket(id: $id, archived: true) { ...T } }"),
        |r| Ok(json!({ "id": r.path_uuid("ticketId", "ticket")? })),
        |_, data| Ok(ok(ticket(&data["row"])))
    ),
    store_route!(
        POST,
        "/stores/{storeId}/tickets/{ticketId}/unarchive",
        "Bring an archived ticket back to the store's lists; the store's staff only",
        Answer::One("Ticket"),
        &[],
        None,
        ticket_doc!("mutation($id: UUID!) { row: archiveTicket(id: $id, archived: false) { ...T } }"),
        |r| Ok(json!({ "id": r.path_uuid("ticketId", "ticket")? })),
        |_, data| Ok(ok(ticket(&data["row"])))
    ),
];

/// The list's query parameters as a `TicketFilter`.
fn list_filter(r: &RestRequest) -> Result<Value, RestError> {
    let status = r.query.get("Status").map(|s| s.to_uppercase());
    let archived = r.query_parse::<bool>("IncludeArchived", "true or false")?;
    Ok(json!({ "status": status, "search": r.query.get("Search"), "includeArchived": archived }))
}

/// A GraphQL ticket as Komerza shows it (status and authors in lower case).
pub(super) fn ticket(row: &Value) -> Value {
    let mut ticket = row.clone();
    ticket["status"] = json!(row["status"].as_str().map(str::to_lowercase));
    if row.get("messages").is_some() {
        ticket["messages"] = messages(&row["messages"]);
    }
    ticket
}

fn messages(rows: &Value) -> Value {
    let mut rows = rows.clone();
    if let Some(messages) = rows.as_array_mut() {
        for message in messages {
            message["author"] = json!(message["author"].as_str().map(str::to_lowercase));
        }
    }
    rows
}
