//! GraphQL over WebSocket: the `graphql-transport-ws` protocol (what GraphiQL and the
//! `graphql-ws` client speak) on `GET /graphql` with an upgrade. The protocol is small and its
//! server duties — close codes, one credential per connection, limits, revocation — are the
//! point, so it is implemented here over axum's WebSocket rather than through async-graphql's
//! generic one, which closes every refusal with the same code and has no limits.
//!
//! - The credential travels in `connection_init`: `{"Authorization": "Bearer …"}` (or
//!   `authorization`). The connection then acts as that caller: every operation goes through the
//!   same engine, limits, policy and tenancy gate as over HTTP.
//! - Close codes: 4400 a malformed message (or an id over 128 characters); 4401 `subscribe`
//!   before `connection_ack`; 4403 no usable credential, or it stopped being one — its session
//!   ended, its key was revoked, its access changed, its access token expired; 4406 without the
//!   subprotocol; 4408 no `connection_init` in time; 4409 an id already running; 4429 a second
//!   `connection_init`; 1008 too many connections for the credential; 1009 a message over the
//!   body limit; 1013 a subscriber that fell too far behind (memory stays bounded); 1001 the
//!   server is stopping.
//! - Every `subscribe` draws a token from the caller's rate-limit bucket, the one its HTTP
//!   requests draw from (refused: an `error` message with `RATE_LIMITED`); at most
//!   `max_subscriptions` operations run at once per connection (another `subscribe` is answered
//!   with an `error` message); the server pings every `keepalive`. A socket that takes no message
//!   for 10 s (its client stopped reading) is dropped without a close frame, which it would not
//!   read either.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::futures_util::StreamExt;
use async_graphql::{ErrorExtensions, Pos, ServerError};
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::{broadcast, mpsc};
use tokio::task::AbortHandle;
use tokio::time::Instant;

use super::graphql::check_document;
use super::AppState;
use crate::auth::authenticator::{Authenticator, CredentialChange};
use crate::auth::principal::{Access, Credential, Principal};
use crate::error::{ApiError, Code};
use crate::live::FellBehind;

/// The subprotocol.
pub const PROTOCOL: &str = "graphql-transport-ws";
/// Longest operation id.
const MAX_ID_LEN: usize = 128;
/// Messages waiting to be written to one socket; operations wait when it is full.
const OUTBOX: usize = 32;
/// A socket that takes longer than this to take one message is dropped.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Open connections per credential, across this process.
#[derive(Default)]
pub struct Registry(Mutex<HashMap<Credential, usize>>);

impl Registry {
    /// Takes one of the credential's `max` places, while the returned guard lives.
    fn enter(self: &Arc<Self>, credential: Credential, max: usize) -> Option<Place> {
        let mut open = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let count = open.entry(credential).or_default();
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(Place { registry: self.clone(), credential })
    }
}

/// One open connection's place in the [`Registry`].
struct Place {
    registry: Arc<Registry>,
    credential: Credential,
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut open = self.registry.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.credential) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.credential);
            }
        }
    }
}

/// What a client may send (fields the server does not act on, such as a ping's payload or a
/// request's `extensions`, are ignored).
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ClientMessage {
    ConnectionInit {
        #[serde(default)]
        payload: Option<Value>,
    },
    Ping {},
    Pong {},
    Subscribe {
        id: String,
        payload: SubscribePayload,
    },
    Complete {
        id: String,
    },
}

#[derive(Deserialize)]
struct SubscribePayload {
    query: String,
    #[serde(rename = "operationName", default)]
    operation_name: Option<String>,
    #[serde(default)]
    variables: Option<Value>,
}

/// One frame from the client, as the protocol sees it.
enum Incoming {
    Message(ClientMessage),
    /// A frame that is not a protocol message (a WebSocket ping or pong).
    Nothing,
    /// The client left.
    Gone,
    /// Refused with a close code and reason.
    Refused(u16, String),
}

fn incoming(frame: Option<Result<Message, axum::Error>>) -> Incoming {
    let text = match frame {
        None | Some(Ok(Message::Close(_))) => return Incoming::Gone,
        Some(Err(error)) => {
            return match tungstenite_capacity(&error) {
                true => Incoming::Refused(1009, "the message is larger than the server accepts".to_owned()),
                false => Incoming::Gone,
            }
        }
        Some(Ok(Message::Ping(_) | Message::Pong(_))) => return Incoming::Nothing,
        Some(Ok(Message::Binary(_))) => return Incoming::Refused(4400, "messages are JSON text".to_owned()),
        Some(Ok(Message::Text(text))) => text,
    };
    match serde_json::from_str::<ClientMessage>(text.as_str()) {
        Ok(message) => Incoming::Message(message),
        Err(error) => Incoming::Refused(4400, format!("invalid message: {error}")),
    }
}

fn tungstenite_capacity(error: &axum::Error) -> bool {
    use std::error::Error;
    let mut cause: Option<&dyn Error> = Some(error);
    while let Some(inner) = cause {
        // tungstenite's `Error::Capacity`, which axum does not re-export.
        if inner.to_string().starts_with("Space limit exceeded") {
            return true;
        }
        cause = inner.source();
    }
    false
}

/// Answers `GET /graphql` with an upgrade.
/// The read buffer a socket starts with.
const SOCKET_BUFFER_BYTES: usize = 4 * 1024;

pub fn upgrade(state: AppState, ws: WebSocketUpgrade) -> Response {
    let limit = state.transport.max_body_bytes;
    // Small buffers that grow when a message needs it: tungstenite's default 128 KiB read buffer
    // per socket was most of an idle subscription's memory.
    ws.protocols([PROTOCOL])
        .read_buffer_size(SOCKET_BUFFER_BYTES)
        .write_buffer_size(0)
        .max_message_size(limit)
        .max_frame_size(limit)
        .on_upgrade(move |socket| serve(state, socket))
}

async fn serve(state: AppState, mut socket: WebSocket) {
    if socket.protocol().and_then(|p| p.to_str().ok()) != Some(PROTOCOL) {
        return close(&mut socket, 4406, "Subprotocol not acceptable: use graphql-transport-ws").await;
    }
    if let Some(caller) = handshake(&state, &mut socket).await {
        run(state, socket, caller).await;
    }
}

/// The authenticated end of a handshake.
struct Caller {
    authorization: String,
    principal: Principal,
    access: Arc<Access>,
    _place: Place,
    expires: Option<Instant>,
}

/// Waits for `connection_init`, authenticates it and acknowledges: the caller, or `None` when
/// the connection was closed.
async fn handshake(state: &AppState, socket: &mut WebSocket) -> Option<Caller> {
    let deadline = Instant::now() + state.live.init_timeout;
    loop {
        let Ok(frame) = tokio::time::timeout_at(deadline, socket.recv()).await else {
            close(socket, 4408, "Connection initialisation timeout").await;
            return None;
        };
        let payload = match incoming(frame) {
            Incoming::Message(ClientMessage::ConnectionInit { payload }) => payload,
            Incoming::Message(ClientMessage::Ping { .. }) => {
                send(socket, json!({ "type": "pong" })).await.ok()?;
                continue;
            }
            Incoming::Message(ClientMessage::Subscribe { .. }) => {
                close(socket, 4401, "Unauthorized: send connection_init first").await;
                return None;
            }
            Incoming::Message(_) | Incoming::Nothing => continue,
            Incoming::Gone => return None,
            Incoming::Refused(code, reason) => {
                close(socket, code, &reason).await;
                return None;
            }
        };
        let authorization = payload.as_ref().and_then(|p| {
            ["Authorization", "authorization"].iter().find_map(|key| p.get(*key).and_then(Value::as_str))
        });
        let Some(authorization) = authorization.map(str::to_owned) else {
            close(socket, 4403, "Forbidden: connection_init's payload needs {\"Authorization\": \"Bearer <token>\"}")
                .await;
            return None;
        };
        let access = match state.auth.authenticate(Some(&authorization)).await {
            Ok(Principal::Authenticated(access)) => access,
            // Anonymous is the answer to no header only; one was given.
            Ok(Principal::Anonymous) => {
                close(socket, 4403, "Forbidden: no credential").await;
                return None;
            }
            Err(error) => {
                close(socket, 4403, &format!("Forbidden: {error}")).await;
                return None;
            }
        };
        let max = state.live.max_connections;
        let Some(place) = state.sockets.enter(access.credential, max) else {
            close(socket, 1008, &format!("at most {max} open connections per credential")).await;
            return None;
        };
        let expires = Authenticator::bearer(&authorization).and_then(|token| state.auth.expires_at(token)).map(|exp| {
            Instant::now() + Duration::from_secs(u64::try_from(exp - chrono::Utc::now().timestamp()).unwrap_or(0))
        });
        send(socket, json!({ "type": "connection_ack" })).await.ok()?;
        return Some(Caller {
            authorization,
            principal: Principal::Authenticated(access.clone()),
            access,
            _place: place,
            expires,
        });
    }
}

/// What an operation's task hands the connection to write.
enum Outgoing {
    Next(String, async_graphql::Response),
    Error(String, u64, Vec<ServerError>),
    /// The operation ended (of the given run, in case its id was reused since).
    Complete(String, u64),
}

/// Serves an acknowledged connection until it closes.
async fn run(state: AppState, mut socket: WebSocket, caller: Caller) {
    let (outbox, mut to_send) = mpsc::channel::<Outgoing>(OUTBOX);
    let behind = Arc::new(FellBehind::default());
    let mut running: HashMap<String, (u64, AbortHandle)> = HashMap::new();
    let mut runs = 0_u64;
    let mut changes = state.auth.changes();
    let mut stopping = state.stopping.clone();
    let mut ping = tokio::time::interval_at(Instant::now() + state.live.keepalive, state.live.keepalive);
    let expired = async {
        match caller.expires {
            Some(at) => tokio::time::sleep_until(at).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(expired);
    let (code, reason): (u16, String) = loop {
        tokio::select! {
            frame = socket.recv() => match incoming(frame) {
                Incoming::Message(ClientMessage::Subscribe { id, payload }) => {
                    if id.chars().count() > MAX_ID_LEN {
                        break (4400, format!("an operation id is at most {MAX_ID_LEN} characters"));
                    }
                    if running.contains_key(&id) {
                        break (4409, format!("Subscriber for {id} already exists"));
                    }
                    if let Some(refused) = admission(&state, &caller, running.len()).await {
                        if send(&mut socket, json!({ "type": "error", "id": id, "payload": [refused] })).await.is_err() {
                            break (1011, String::new());
                        }
                        continue;
                    }
                    runs += 1;
                    let task = start(&state, &caller, &behind, outbox.clone(), id.clone(), runs, payload);
                    running.insert(id, (runs, task));
                }
                Incoming::Message(ClientMessage::Complete { id }) => {
                    if let Some((_, task)) = running.remove(&id) {
                        task.abort();
                    }
                }
                Incoming::Message(ClientMessage::Ping { .. }) => {
                    if send(&mut socket, json!({ "type": "pong" })).await.is_err() {
                        break (1011, String::new());
                    }
                }
                Incoming::Message(ClientMessage::ConnectionInit { .. }) => {
                    break (4429, "Too many initialisation requests".to_owned());
                }
                Incoming::Message(ClientMessage::Pong { .. }) | Incoming::Nothing => {}
                Incoming::Gone => break (1000, String::new()),
                Incoming::Refused(code, reason) => break (code, reason),
            },
            Some(outgoing) = to_send.recv() => {
                let message = match outgoing {
                    Outgoing::Next(id, response) => json!({ "type": "next", "id": id, "payload": response }),
                    Outgoing::Error(id, run, errors) => {
                        finished(&mut running, &id, run);
                        json!({ "type": "error", "id": id, "payload": errors })
                    }
                    Outgoing::Complete(id, run) => {
                        finished(&mut running, &id, run);
                        json!({ "type": "complete", "id": id })
                    }
                };
                if send(&mut socket, message).await.is_err() {
                    break (1011, String::new());
                }
            }
            _ = ping.tick() => {
                if send(&mut socket, json!({ "type": "ping" })).await.is_err() {
                    break (1011, String::new());
                }
            }
            change = changes.recv() => {
                let change = match change {
                    Ok(change) => change,
                    Err(broadcast::error::RecvError::Lagged(_)) => CredentialChange::Everything,
                    Err(broadcast::error::RecvError::Closed) => continue,
                };
                if let Some(reason) = still_valid(&state, &caller, &change).await {
                    break (4403, reason);
                }
            }
            () = behind.wait() => {
                break (1013, format!("too slow: fell more than {} events behind; reconnect", state.live.buffer));
            }
            _ = stopping.changed() => break (1001, "the server is stopping".to_owned()),
            () = &mut expired => break (4403, "Forbidden: the access token expired; connect with a fresh one".to_owned()),
        }
    };
    for (_, (_, task)) in running {
        task.abort();
    }
    if code != 1000 && code != 1011 {
        close(&mut socket, code, &reason).await;
    }
}

/// Why a new operation may not start now, if it may not: it draws from the caller's rate-limit
/// bucket as one sent over HTTP does, and at most `max_subscriptions` run on one connection.
async fn admission(state: &AppState, caller: &Caller, running: usize) -> Option<ServerError> {
    if let Some(limiters) = &state.rate_limits {
        if let Err(refusal) = limiters.charge_caller(&caller.access).await {
            return Some(refusal_error(Code::RateLimited, &refusal.message()));
        }
    }
    if running >= state.live.max_subscriptions {
        let message = format!(
            "at most {} operations run at once on one connection; complete one first",
            state.live.max_subscriptions
        );
        return Some(ApiError::Forbidden(message).extend().into_server_error(Pos::default()));
    }
    None
}

/// Forgets operation `id` if it is still the run that ended (the client may have completed it
/// and reused its id since).
fn finished(running: &mut HashMap<String, (u64, AbortHandle)>, id: &str, run: u64) {
    if running.get(id).is_some_and(|(current, _)| *current == run) {
        running.remove(id);
    }
}

/// `None` while the connection's credential still grants what it did; otherwise why not.
async fn still_valid(state: &AppState, caller: &Caller, change: &CredentialChange) -> Option<String> {
    let token = Authenticator::bearer(&caller.authorization).unwrap_or_default();
    if !Authenticator::concerns(change, token, &caller.access) {
        return None;
    }
    match state.auth.authenticate(Some(&caller.authorization)).await {
        Ok(Principal::Authenticated(now)) if same_access(&now, &caller.access) => None,
        Ok(_) => Some("Forbidden: the credential's access changed; connect again".to_owned()),
        Err(error) => Some(format!("Forbidden: {error}")),
    }
}

fn same_access(a: &Access, b: &Access) -> bool {
    a.user_id == b.user_id
        && a.scopes == b.scopes
        && a.stores == b.stores
        && a.customers == b.customers
        && a.store_limited == b.store_limited
}

/// Starts one operation in its own task; its messages go to `outbox`.
fn start(
    state: &AppState,
    caller: &Caller,
    behind: &Arc<FellBehind>,
    outbox: mpsc::Sender<Outgoing>,
    id: String,
    run: u64,
    payload: SubscribePayload,
) -> AbortHandle {
    let mut request = async_graphql::Request::new(payload.query);
    request.operation_name = payload.operation_name;
    if let Some(variables) = payload.variables {
        request.variables = async_graphql::Variables::from_json(variables);
    }
    let checked = check_document(&request, state, false);
    let (state, principal) = (state.clone(), caller.principal.clone());
    let behind = behind.clone();
    let announced = state.clone();
    let work = async move {
        if let Err(refusal) = checked {
            let error = refusal_error(Code::Validation, refusal.message());
            let _ = outbox.send(Outgoing::Error(id, run, vec![error])).await;
            return;
        }
        match state.engine.subscribe(request, principal, behind).await {
            Err(errors) => {
                let _ = outbox.send(Outgoing::Error(id, run, errors)).await;
            }
            Ok(mut responses) => {
                while let Some(response) = responses.next().await {
                    if outbox.send(Outgoing::Next(id.clone(), response)).await.is_err() {
                        return;
                    }
                }
                let _ = outbox.send(Outgoing::Complete(id, run)).await;
            }
        }
    };
    // A mutation sent over the socket wakes the delivery worker and the live feed like one
    // sent over HTTP.
    tokio::spawn(crate::domain::events::announcing(move || announced.committed(), work)).abort_handle()
}

fn refusal_error(code: Code, message: &str) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", code.as_str());
    error.extensions = Some(extensions);
    error
}

async fn send(socket: &mut WebSocket, message: Value) -> Result<(), ()> {
    let text = Utf8Bytes::from(message.to_string());
    match tokio::time::timeout(SEND_TIMEOUT, socket.send(Message::Text(text))).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(()),
    }
}

/// Closes with `code` and `reason` (cut to the 123 bytes a close frame holds).
async fn close(socket: &mut WebSocket, code: u16, reason: &str) {
    let mut cut = reason.len().min(123);
    while !reason.is_char_boundary(cut) {
        cut -= 1;
    }
    let frame = CloseFrame { code, reason: Utf8Bytes::from(&reason[..cut]) };
    let _ = tokio::time::timeout(SEND_TIMEOUT, socket.send(Message::Close(Some(frame)))).await;
}
