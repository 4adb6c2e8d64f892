//! The HTTP server: a listener whose connections can be aborted (for dropped-connection
//! faults), the router, and the gate every request passes (the request log, then faults).

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::connect_info::{ConnectInfo, Connected};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::serve::IncomingStream;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use crate::errors::{self, Shape};
use crate::faults::{FaultKind, Fired};
use crate::state::{Shared, lock};
use crate::{RequestRecord, engage, oauth, wxcc};

/// A connection's handle: its peer address and the switch that aborts it.
#[derive(Clone, Debug)]
pub(crate) struct ConnHandle {
    pub peer: std::net::SocketAddr,
    kill: Arc<AtomicBool>,
}

impl ConnHandle {
    /// Makes every further read and write on the connection fail, so the server closes it
    /// without writing the response it is about to send.
    pub(crate) fn abort(&self) {
        tracing::debug!(peer = %self.peer, "dropping the connection (injected fault)");
        self.kill.store(true, Ordering::SeqCst);
    }
}

/// A TCP stream that fails all I/O once its handle is aborted.
pub(crate) struct KillableStream {
    inner: TcpStream,
    kill: Arc<AtomicBool>,
}

fn aborted() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "connection dropped by an injected fault",
    )
}

impl AsyncRead for KillableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.kill.load(Ordering::SeqCst) {
            return Poll::Ready(Err(aborted()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for KillableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.kill.load(Ordering::SeqCst) {
            return Poll::Ready(Err(aborted()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if self.kill.load(Ordering::SeqCst) {
            return Poll::Ready(Err(aborted()));
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.kill.load(Ordering::SeqCst) {
            return Poll::Ready(Err(aborted()));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The listener handing out killable streams.
pub(crate) struct KillableListener {
    inner: TcpListener,
}

impl axum::serve::Listener for KillableListener {
    type Io = KillableStream;
    type Addr = ConnHandle;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    let kill = Arc::new(AtomicBool::new(false));
                    return (
                        KillableStream {
                            inner: stream,
                            kill: Arc::clone(&kill),
                        },
                        ConnHandle { peer, kill },
                    );
                }
                Err(error) => {
                    // Out of file descriptors and the like: wait and keep accepting.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(ConnHandle {
            peer: self.inner.local_addr()?,
            kill: Arc::new(AtomicBool::new(false)),
        })
    }
}

impl Connected<IncomingStream<'_, KillableListener>> for ConnHandle {
    fn connect_info(stream: IncomingStream<'_, KillableListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// Serves until `stop` fires (or its sender is dropped).
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>, stop: oneshot::Receiver<()>) {
    let app = router(shared);
    let listener = KillableListener { inner: listener };
    let result = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<ConnHandle>(),
    )
    .with_graceful_shutdown(async {
        let _ = stop.await;
    })
    .await;
    if let Err(error) = result {
        tracing::warn!(%error, "sandbox server stopped");
    }
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/oauth/v1/authorize", get(oauth::authorize))
        .route("/oauth/v1/access_token", post(oauth::access_token))
        .route(
            "/oauth/v1/applications/{id}/token",
            post(oauth::application_token),
        )
        .route("/callback", get(callback))
        .route("/engage/api/v1/oauth/token", post(engage::token))
        .route("/engage/api/v1/{*rest}", any(engage::dispatch))
        .route("/wxcc/{*rest}", any(wxcc::dispatch))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(Arc::clone(&shared), gate))
        .with_state(shared)
}

/// The registered redirect URI: shows what the authorize step sent back.
async fn callback(request: Request) -> Response {
    let query = request.uri().query().unwrap_or_default().to_owned();
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("wxcc sandbox: authorization complete\n{query}\n"),
    )
        .into_response()
}

async fn not_found(request: Request) -> Response {
    let path = request.uri().path().to_owned();
    errors::respond(
        shape_for(&path),
        StatusCode::NOT_FOUND,
        None,
        &format!("no such resource: {path}"),
    )
}

/// The error shape a path's API group uses.
pub(crate) fn shape_for(path: &str) -> Shape {
    if path.starts_with("/engage/") {
        Shape::Engage
    } else if path.starts_with("/oauth/") {
        Shape::OAuth
    } else if path.starts_with("/wxcc/v1/subscriptions")
        || path.starts_with("/wxcc/v2/subscriptions")
        || path.starts_with("/wxcc/v1/event-types")
        || path.starts_with("/wxcc/v2/event-types")
    {
        Shape::Subscription
    } else {
        Shape::Api
    }
}

/// Where a request's `TrackingId` header is, if any.
pub(crate) fn tracking_of(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get("trackingid")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Every request passes here: the log first, then injected faults, then the handler, then
/// the answered status into the log. Logging on arrival matters: when a client gives up during
/// a delay fault, the server cancels this future, and a request logged only once answered
/// would be missing from the count.
async fn gate(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let tracking_id = tracking_of(request.headers());
    let sequence = shared.record(RequestRecord {
        method: method.clone(),
        path: path.clone(),
        query: request.uri().query().map(str::to_owned),
        status: None,
        authorization: request.headers().contains_key(header::AUTHORIZATION),
        tracking_id: tracking_id.clone(),
    });
    let conn = request
        .extensions()
        .get::<ConnectInfo<ConnHandle>>()
        .map(|c| c.0.clone());
    let fired = {
        let mut rng = lock(&shared.rng);
        lock(&shared.faults).take(&method, &path, &mut rng)
    };
    let mut dropped = false;
    let response = match fired {
        None => next.run(request).await,
        Some(Fired { kind, headers }) => match kind {
            FaultKind::Delay(duration) => {
                tokio::time::sleep(duration).await;
                next.run(request).await
            }
            FaultKind::Status { code, body } => {
                let status =
                    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let mut response = match body {
                    Some(body) => {
                        let json = serde_json::from_str::<serde_json::Value>(&body).is_ok();
                        let kind = if json {
                            "application/json"
                        } else {
                            "text/plain"
                        };
                        (status, [(header::CONTENT_TYPE, kind)], body).into_response()
                    }
                    None => errors::respond(
                        shape_for(&path),
                        status,
                        tracking_id.as_deref(),
                        "injected fault",
                    ),
                };
                for (name, value) in headers {
                    if let (Ok(name), Ok(value)) = (
                        HeaderName::from_bytes(name.as_bytes()),
                        HeaderValue::from_str(&value),
                    ) {
                        response.headers_mut().insert(name, value);
                    }
                }
                response
            }
            FaultKind::MalformedJson => (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                "{\"data\": {\"items\": [{\"id\": \"trunc",
            )
                .into_response(),
            FaultKind::DropConnection => {
                dropped = true;
                if let Some(conn) = &conn {
                    conn.abort();
                }
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        },
    };
    if !dropped {
        shared.answered(sequence, response.status().as_u16());
    }
    response
}
