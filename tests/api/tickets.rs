//! Support tickets on GraphQL and REST: the status a message or a close leaves, lists with
//! filters, archiving and deleting, the walls between stores and between customers, the cap on
//! messages under concurrent replies, and wrong, missing and oversized values for every input.

use serde_json::{json, Value};

use crate::helpers::{
    count_rows, customer_login, demo_catalog, error_codes, spawn_demo_app, uuid_literal, TestApp, DEMO_CUSTOMER,
    RIVAL_MERCHANT,
};

const OPEN: &str = "mutation($s: UUID!, $input: OpenTicketInput!) { openTicket(storeId: $s, input: $input) { id status customerId email subject orderId messageCount messages { author body } } }";
const REPLY: &str = "mutation($t: UUID!, $m: String!) { replyToTicket(id: $t, message: $m) { status messageCount messages { author body } } }";
const CLOSE: &str = "mutation($t: UUID!) { closeTicket(id: $t) { status } }";
const ARCHIVE: &str = "mutation($t: UUID!, $a: Boolean!) { archiveTicket(id: $t, archived: $a) { id } }";
const DELETE: &str = "mutation($t: UUID!) { deleteTicket(id: $t) }";
const ONE: &str = "query($t: UUID!) { ticket(id: $t) { id status messageCount } }";
const LIST: &str = "query($s: UUID!, $f: TicketFilter) { tickets(storeId: $s, filter: $f) { totalCount nodes { id subject status } } }";

/// The demo store, the demo customer's session and its own customer record and orders there.
struct Shop {
    store: Value,
    customer: String,
    own_customer: Value,
    own_order: Value,
}

async fn shop(app: &TestApp) -> Shop {
    let store = demo_catalog(app, &app.merchant).await.store;
    let customer = app.token(DEMO_CUSTOMER).await;
    let own = app
        .graphql_as(
            &customer,
            "query($s: UUID!) { orders(storeId: $s) { nodes { id customerId } } }",
            json!({ "s": store }),
        )
        .await;
    let order = own["data"]["orders"]["nodes"][0].clone();
    assert!(order["id"].is_string(), "the demo customer has orders: {own}");
    Shop { store, customer, own_customer: order["customerId"].clone(), own_order: order["id"].clone() }
}

fn data<'a>(body: &'a Value, field: &str) -> &'a Value {
    assert!(body.get("errors").is_none(), "{field}: {body}");
    &body["data"][field]
}

#[tokio::test]
async fn a_ticket_moves_with_its_messages_and_a_customer_message_reopens_it() {
    let app = spawn_demo_app().await;
    let shop = shop(&app).await;
    let input = json!({ "subject": "  Wrong size  ", "message": "The tee is too small.", "orderId": shop.own_order });
    let opened = app.graphql_as(&shop.customer, OPEN, json!({ "s": shop.store, "input": input })).await;
    let ticket = data(&opened, "openTicket").clone();
    assert_eq!(
        (&ticket["status"], &ticket["subject"], &ticket["customerId"], &ticket["orderId"], &ticket["messageCount"]),
        (&json!("OPEN"), &json!("Wrong size"), &shop.own_customer, &shop.own_order, &json!(1)),
        "{ticket}"
    );
    assert_eq!(ticket["email"], "customer@example.com");
    let id = ticket["id"].clone();

    let answered = app.as_merchant(REPLY, json!({ "t": id, "m": "We'll send a large." })).await;
    let answered = data(&answered, "replyToTicket");
    assert_eq!((&answered["status"], &answered["messageCount"]), (&json!("ANSWERED"), &json!(2)), "{answered}");
    let authors: Vec<&Value> =
        answered["messages"].as_array().expect("messages").iter().map(|m| &m["author"]).collect();
    assert_eq!(authors, [&json!("CUSTOMER"), &json!("MERCHANT")]);
    let back = app.graphql_as(&shop.customer, REPLY, json!({ "t": id, "m": "Thanks!" })).await;
    assert_eq!(data(&back, "replyToTicket")["status"], "OPEN");

    let closed = app.graphql_as(&shop.customer, CLOSE, json!({ "t": id })).await;
    assert_eq!(data(&closed, "closeTicket")["status"], "CLOSED");
    let again = app.as_merchant(CLOSE, json!({ "t": id })).await;
    assert_eq!(error_codes(&again), ["INVALID_TRANSITION"], "{again}");
    let late = app.as_merchant(REPLY, json!({ "t": id, "m": "One more thing" })).await;
    assert_eq!(error_codes(&late), ["INVALID_TRANSITION"], "a closed ticket takes no merchant message: {late}");
    let reopened = app.graphql_as(&shop.customer, REPLY, json!({ "t": id, "m": "It arrived, but in blue?" })).await;
    let reopened = data(&reopened, "replyToTicket");
    assert_eq!((&reopened["status"], &reopened["messageCount"]), (&json!("OPEN"), &json!(4)), "{reopened}");
    let open = "query($s: UUID!) { store(id: $s) { analytics { openTickets } } }";
    let waiting = app.as_merchant(open, json!({ "s": shop.store })).await;
    assert_eq!(
        waiting["data"]["store"]["analytics"]["openTickets"], 1,
        "this one (the demo thread is answered): {waiting}"
    );
    let events = "events WHERE event_type = 'ticket.created' OR event_type = 'ticket.replied'";
    // The demo thread's two, then this one's opening and three messages.
    assert_eq!(count_rows(&app.db, events).await, 6);

    // Lists: newest first, by status and subject; archived tickets only when asked (the
    // customer keeps seeing its own).
    let list = |token: String, filter: Value| {
        let (app, store) = (&app, shop.store.clone());
        async move { data(&app.graphql_as(&token, LIST, json!({ "s": store, "f": filter })).await, "tickets").clone() }
    };
    let all = list(app.merchant.clone(), json!(null)).await;
    assert_eq!((&all["totalCount"], &all["nodes"][0]["id"]), (&json!(2), &id), "newest first: {all}");
    assert_eq!(list(app.merchant.clone(), json!({ "status": "OPEN" })).await["totalCount"], 1);
    assert_eq!(list(app.merchant.clone(), json!({ "status": "ANSWERED" })).await["totalCount"], 1, "the demo thread");
    let found = list(app.merchant.clone(), json!({ "search": "WRONG" })).await;
    assert_eq!((&found["totalCount"], &found["nodes"][0]["id"]), (&json!(1), &id), "{found}");
    let archived = app.as_merchant(ARCHIVE, json!({ "t": id, "a": true })).await;
    data(&archived, "archiveTicket");
    assert_eq!(list(app.merchant.clone(), json!(null)).await["totalCount"], 1, "archived tickets are left out");
    let waiting = app.as_merchant(open, json!({ "s": shop.store })).await;
    assert_eq!(waiting["data"]["store"]["analytics"]["openTickets"], 0, "an archived ticket waits for nobody");
    assert_eq!(list(app.merchant.clone(), json!({ "includeArchived": true })).await["totalCount"], 2);
    assert_eq!(list(shop.customer.clone(), json!(null)).await["totalCount"], 2, "the customer sees its own");
    let flag = app
        .graphql_as(&shop.customer, "query($t: UUID!) { ticket(id: $t) { id isArchived } }", json!({ "t": id }))
        .await;
    assert_eq!(error_codes(&flag), ["FORBIDDEN"], "archiving is the staff's business: {flag}");
    assert_eq!(flag["data"]["ticket"]["id"], id);

    // Archiving and deleting are the staff's; deleting takes the messages along.
    let refused = app.graphql_as(&shop.customer, ARCHIVE, json!({ "t": id, "a": false })).await;
    assert_eq!(error_codes(&refused), ["FORBIDDEN"], "{refused}");
    let refused = app.graphql_as(&shop.customer, DELETE, json!({ "t": id })).await;
    assert_eq!(error_codes(&refused), ["FORBIDDEN"], "{refused}");
    let messages = count_rows(&app.db, "ticket_messages").await;
    let deleted = app.as_merchant(DELETE, json!({ "t": id })).await;
    assert_eq!(data(&deleted, "deleteTicket"), &id);
    assert_eq!(count_rows(&app.db, "ticket_messages").await, messages - 4);
    assert!(app.as_merchant(ONE, json!({ "t": id })).await["data"]["ticket"].is_null());
}

#[tokio::test]
async fn another_store_and_another_customer_cannot_reach_a_ticket() {
    let app = spawn_demo_app().await;
    let shop = shop(&app).await;
    let input = json!({ "subject": "Private matter", "message": "My address changed." });
    let opened = app.graphql_as(&shop.customer, OPEN, json!({ "s": shop.store, "input": input })).await;
    let id = data(&opened, "openTicket")["id"].clone();
    let rival = app.token(RIVAL_MERCHANT).await;
    let other = customer_login(&app, "alex@example.com").await;
    let before = (count_rows(&app.db, "ticket_messages").await, count_rows(&app.db, "tickets").await);

    for (who, token) in [("the rival merchant", &rival), ("another customer", &other)] {
        let read = app.graphql_as(token, ONE, json!({ "t": id })).await;
        assert!(read["data"]["ticket"].is_null() && read.get("errors").is_none(), "{who}: {read}");
        for (operation, variables) in [
            (REPLY, json!({ "t": id, "m": "hijack" })),
            (CLOSE, json!({ "t": id })),
            (ARCHIVE, json!({ "t": id, "a": true })),
            (DELETE, json!({ "t": id })),
        ] {
            let body = app.graphql_as(token, operation, variables).await;
            let codes = error_codes(&body);
            // A customer may neither archive nor delete: refused before the row is looked for.
            let staff_only = who == "another customer" && (operation == ARCHIVE || operation == DELETE);
            assert!(codes == ["NOT_FOUND"] || (codes == ["FORBIDDEN"] && staff_only), "{who}: {operation}: {body}");
        }
        let path =
            format!("/stores/{}/tickets/{}", shop.store.as_str().unwrap_or_default(), id.as_str().unwrap_or_default());
        for (method, suffix, body) in [
            (reqwest::Method::GET, "", None),
            (reqwest::Method::GET, "/messages", None),
            (reqwest::Method::POST, "/messages", Some(json!({ "message": "hijack" }))),
            (reqwest::Method::POST, "/close", None),
        ] {
            let (status, answer) = app.rest(method.clone(), &format!("{path}{suffix}"), Some(token), body).await;
            assert_eq!(status, 404, "{who}: {method} {suffix}: {answer}");
        }
    }
    // The rival's own store path does not reach the demo store's ticket either.
    let rivals = app.graphql_as(&rival, "{ stores { id customers(first: 1) { nodes { id } } } }", json!({})).await;
    let (rival_store, rival_customer) =
        (rivals["data"]["stores"][0]["id"].clone(), rivals["data"]["stores"][0]["customers"]["nodes"][0]["id"].clone());
    let path =
        format!("/stores/{}/tickets/{}", rival_store.as_str().unwrap_or_default(), id.as_str().unwrap_or_default());
    assert_eq!(app.rest(reqwest::Method::GET, &path, Some(&rival), None).await.0, 404);
    let rival_list = app.graphql_as(&rival, LIST, json!({ "s": shop.store })).await;
    assert!(rival_list["data"]["tickets"].is_null(), "{rival_list}");
    let others = data(&app.graphql_as(&other, LIST, json!({ "s": shop.store })).await, "tickets").clone();
    assert_eq!(others["totalCount"], 0, "another customer lists none of the first one's: {others}");

    // Nobody attaches another customer's order or writes as another customer.
    let theirs = json!({ "subject": "Mine?", "message": "Hello", "orderId": shop.own_order });
    let body = app.graphql_as(&other, OPEN, json!({ "s": shop.store, "input": theirs })).await;
    assert_eq!(
        (error_codes(&body), &body["errors"][0]["extensions"]["details"][0]["field"]),
        (vec!["VALIDATION".to_owned()], &json!("orderId")),
        "{body}"
    );
    let posing = json!({ "subject": "Hi", "message": "Hello", "customerId": shop.own_customer });
    let body = app.graphql_as(&other, OPEN, json!({ "s": shop.store, "input": posing })).await;
    assert_eq!(body["errors"][0]["extensions"]["details"][0]["field"], "customerId", "{body}");
    let foreign = json!({ "subject": "Hi", "message": "Hello", "customerId": rival_customer });
    let body = app.as_merchant(OPEN, json!({ "s": shop.store, "input": foreign })).await;
    assert_eq!(body["errors"][0]["extensions"]["details"][0]["field"], "customerId", "{body}");
    let body = app.graphql_as(&rival, OPEN, json!({ "s": shop.store, "input": { "subject": "Hi", "message": "Hello", "customerId": shop.own_customer } })).await;
    assert_eq!(error_codes(&body), ["NOT_FOUND"], "{body}");
    assert_eq!((count_rows(&app.db, "ticket_messages").await, count_rows(&app.db, "tickets").await), before);
    let still = app.graphql_as(&shop.customer, ONE, json!({ "t": id })).await;
    assert_eq!(data(&still, "ticket")["messageCount"], 1);
}

#[tokio::test]
async fn bad_ticket_input_is_refused_naming_the_field_and_nothing_is_written() {
    let app = spawn_demo_app().await;
    let shop = shop(&app).await;
    let long = "x".repeat(10_000);
    let base = json!({ "subject": "Fine", "message": "Fine", "customerId": shop.own_customer });
    let with = |key: &str, value: Value| {
        let mut input = base.clone();
        input[key] = value;
        input
    };
    let without = |key: &str| {
        let mut input = base.clone();
        input.as_object_mut().expect("object").remove(key);
        input
    };
    let before = (count_rows(&app.db, "tickets").await, count_rows(&app.db, "ticket_messages").await);
    for (input, field) in [
        (with("subject", json!("")), "subject"),
        (with("subject", json!("   ")), "subject"),
        (with("subject", json!(long)), "subject"),
        (with("subject", json!(42)), "subject"),
        (without("subject"), "subject"),
        (with("message", json!("")), "message"),
        (with("message", json!(" \n ")), "message"),
        (with("message", json!("y".repeat(5_001))), "message"),
        (without("message"), "message"),
        (with("orderId", json!("not-a-uuid")), "orderId"),
        (with("orderId", json!(uuid::Uuid::now_v7())), "orderId"),
        (with("customerId", json!(uuid::Uuid::now_v7())), "customerId"),
        (without("customerId"), "customerId"),
    ] {
        let body = app.as_merchant(OPEN, json!({ "s": shop.store, "input": input })).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{input}: {body}");
        let text = body["errors"][0].to_string();
        assert!(text.contains(field), "{input} names {field}: {body}");
    }
    let opened = app.as_merchant(OPEN, json!({ "s": shop.store, "input": base })).await;
    let id = data(&opened, "openTicket")["id"].clone();
    let opened_rows = (before.0 + 1, before.1 + 1);
    for (message, why) in [
        (json!(""), "empty"),
        (json!("z".repeat(5_001)), "oversized"),
        (json!(7), "wrong type"),
        (Value::Null, "missing"),
    ] {
        let body = app.as_merchant(REPLY, json!({ "t": id, "m": message })).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{why}: {body}");
    }
    let body = app.as_merchant(REPLY, json!({ "t": "not-a-uuid", "m": "hello" })).await;
    assert_eq!(error_codes(&body), ["VALIDATION"], "{body}");
    let body = app.as_merchant(REPLY, json!({ "t": uuid::Uuid::now_v7(), "m": "hello" })).await;
    assert_eq!(error_codes(&body), ["NOT_FOUND"], "{body}");
    let body = app.as_merchant(LIST, json!({ "s": shop.store, "f": { "search": "q".repeat(101) } })).await;
    assert_eq!(error_codes(&body), ["VALIDATION"], "{body}");
    let body = app.as_merchant(LIST, json!({ "s": shop.store, "f": { "status": "LOST" } })).await;
    assert_eq!(error_codes(&body), ["VALIDATION"], "{body}");
    assert_eq!((count_rows(&app.db, "tickets").await, count_rows(&app.db, "ticket_messages").await), opened_rows);
}

#[tokio::test]
async fn concurrent_replies_stop_at_the_cap_of_one_hundred_messages() {
    let app = spawn_demo_app().await;
    let shop = shop(&app).await;
    let input = json!({ "subject": "Chatty", "message": "1", "customerId": shop.own_customer });
    let opened = app.as_merchant(OPEN, json!({ "s": shop.store, "input": input })).await;
    let id = data(&opened, "openTicket")["id"].clone();
    let replies = (0..110).map(|n| app.as_merchant(REPLY, json!({ "t": id, "m": format!("reply {n}") })));
    let answers = futures::future::join_all(replies).await;
    let ok = answers.iter().filter(|a| a.get("errors").is_none()).count();
    let capped = answers.iter().filter(|a| error_codes(a) == ["CONFLICT"]).count();
    assert_eq!((ok, capped), (99, 11), "the first message and 99 replies fit");
    let row = data(&app.as_merchant(ONE, json!({ "t": id })).await, "ticket").clone();
    assert_eq!(row["messageCount"], 100);
    let stored = format!(
        "ticket_messages WHERE ticket_id = {}",
        uuid_literal(&app.db, id.as_str().and_then(|s| s.parse().ok()).expect("uuid"))
    );
    assert_eq!(count_rows(&app.db, &stored).await, 100);
}

#[tokio::test]
async fn komerza_ticket_routes_answer_in_envelopes_with_lower_case_statuses() {
    let app = spawn_demo_app().await;
    let shop = shop(&app).await;
    let base = format!("/stores/{}/tickets", shop.store.as_str().unwrap_or_default());
    let (status, opened) = app
        .rest(
            reqwest::Method::POST,
            &base,
            Some(&shop.customer),
            Some(json!({ "subject": "Gift wrap", "message": "Can you wrap it?" })),
        )
        .await;
    assert_eq!(status, 201, "{opened}");
    assert_eq!((&opened["success"], &opened["data"]["status"]), (&json!(true), &json!("open")), "{opened}");
    assert!(opened["data"].get("isArchived").is_none(), "a customer's answer leaves the staff's field out: {opened}");
    let id = opened["data"]["id"].as_str().expect("id").to_owned();
    let one = format!("{base}/{id}");

    let (status, answered) = app
        .rest(
            reqwest::Method::POST,
            &format!("{one}/messages"),
            Some(&app.merchant),
            Some(json!({ "message": "Sure." })),
        )
        .await;
    assert_eq!(status, 201, "{answered}");
    assert_eq!(
        (&answered["data"]["status"], &answered["data"]["messages"][1]["author"]),
        (&json!("answered"), &json!("merchant"))
    );
    assert_eq!(answered["data"]["isArchived"], false);
    let (status, messages) =
        app.rest(reqwest::Method::GET, &format!("{one}/messages"), Some(&shop.customer), None).await;
    assert_eq!((status, messages["data"].as_array().map(Vec::len)), (200, Some(2)), "{messages}");
    let (status, list) =
        app.rest(reqwest::Method::GET, &format!("{base}?Status=answered&Search=wrap"), Some(&app.merchant), None).await;
    assert_eq!((status, &list["pages"], &list["data"][0]["id"]), (200, &json!(1), &json!(id)), "{list}");
    for query in ["Status=lost", "IncludeArchived=maybe", "PageSize=0"] {
        let (status, refused) =
            app.rest(reqwest::Method::GET, &format!("{base}?{query}"), Some(&app.merchant), None).await;
        assert_eq!((status, &refused["success"]), (400, &json!(false)), "{query}: {refused}");
    }
    let (status, closed) = app.rest(reqwest::Method::POST, &format!("{one}/close"), Some(&shop.customer), None).await;
    assert_eq!((status, &closed["data"]["status"]), (200, &json!("closed")), "{closed}");
    let (status, again) = app.rest(reqwest::Method::POST, &format!("{one}/close"), Some(&shop.customer), None).await;
    assert_eq!(status, 409, "{again}");
    let (status, refused) =
        app.rest(reqwest::Method::POST, &format!("{one}/archive"), Some(&shop.customer), None).await;
    assert_eq!(status, 403, "{refused}");
    let (status, archived) =
        app.rest(reqwest::Method::POST, &format!("{one}/archive"), Some(&app.merchant), None).await;
    assert_eq!((status, &archived["data"]["isArchived"]), (200, &json!(true)), "{archived}");
    let (_, listed) = app.rest(reqwest::Method::GET, &base, Some(&app.merchant), None).await;
    assert!(listed["data"].as_array().is_some_and(|rows| rows.iter().all(|t| t["id"] != json!(id))), "{listed}");
    let (_, listed) =
        app.rest(reqwest::Method::GET, &format!("{base}?IncludeArchived=true"), Some(&app.merchant), None).await;
    assert!(listed["data"].as_array().is_some_and(|rows| rows.iter().any(|t| t["id"] == json!(id))), "{listed}");
    let (status, _) = app.rest(reqwest::Method::POST, &format!("{one}/unarchive"), Some(&app.merchant), None).await;
    assert_eq!(status, 200);

    // Bodies: unknown, missing, wrong and oversized fields, every problem at once.
    let before = count_rows(&app.db, "tickets").await;
    for (body, fields) in [
        (json!({ "subject": "Hi", "message": "Hello", "priority": "high" }), vec!["priority"]),
        (json!({}), vec!["subject", "message"]),
        (json!({ "subject": 5, "message": true }), vec!["subject", "message"]),
        (json!({ "subject": "s".repeat(10_000), "message": "Hello" }), vec!["subject"]),
    ] {
        let (status, refused) = app.rest(reqwest::Method::POST, &base, Some(&shop.customer), Some(body.clone())).await;
        assert_eq!(status, 400, "{body}: {refused}");
        for field in fields {
            assert!(refused.to_string().contains(field), "{body} names {field}: {refused}");
        }
    }
    assert_eq!(count_rows(&app.db, "tickets").await, before);

    let (status, _) = app.rest(reqwest::Method::DELETE, &one, Some(&shop.customer), None).await;
    assert_eq!(status, 403, "customers hold no delete scope");
    let (status, deleted) = app.rest(reqwest::Method::DELETE, &one, Some(&app.merchant), None).await;
    assert_eq!((status, &deleted["success"]), (200, &json!(true)), "{deleted}");
    assert_eq!(app.rest(reqwest::Method::GET, &one, Some(&app.merchant), None).await.0, 404);
}

#[tokio::test]
async fn the_demo_store_has_an_answered_thread_for_graphiql() {
    let app = spawn_demo_app().await;
    let shop = shop(&app).await;
    let query = "query($s: UUID!) { tickets(storeId: $s) { nodes { status orderId messages { author body } } } }";
    let body = app.graphql_as(&shop.customer, query, json!({ "s": shop.store })).await;
    let thread = &data(&body, "tickets")["nodes"][0];
    assert_eq!(thread["status"], "ANSWERED", "{body}");
    assert!(thread["orderId"].is_string(), "{body}");
    let authors: Vec<&Value> = thread["messages"].as_array().expect("messages").iter().map(|m| &m["author"]).collect();
    assert_eq!(authors, [&json!("CUSTOMER"), &json!("MERCHANT")]);
}
