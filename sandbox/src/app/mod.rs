//! The sandbox as one server: composes the state of every layer (identity, each service's
//! state, the data set, the gate's faults and request log), merges the service routers behind
//! the gate, and serves them on a listener whose connections faults can abort.
//!
//! The one module (with the public API in `lib.rs`) that knows every service; the services
//! know only the layers below them.

mod control;
mod gate;
mod listener;
mod request_log;
mod served;

use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub(crate) use gate::Gate;
pub use request_log::RequestRecord;
pub use served::{ServedRoute, Service, served_routes};

use crate::data::Dataset;
use crate::engage::{self, EngageState};
use crate::http::{errors, shape_for};
use crate::identity::{self, Identity, Settings};
use crate::oauth::{self, Codes};
use crate::rng::Rng;
use crate::search;
use crate::wxcc::{self, WxccState};
use listener::{ConnHandle, KillableListener};

/// Everything one sandbox keeps, by layer.
pub(crate) struct App {
    pub data: Arc<Dataset>,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    pub identity: Arc<Identity>,
    pub codes: Arc<Codes>,
    pub wxcc: Arc<WxccState>,
    pub engage: Arc<EngageState>,
    pub gate: Arc<Gate>,
}

impl App {
    /// The state of a sandbox serving `data` at `base`; `Err` when the Search schema cannot be
    /// built (a defect of this crate).
    pub(crate) fn new(data: Arc<Dataset>, base: String, settings: Settings) -> Result<App, String> {
        let credentials = identity::seeded(&data, &base);
        let identity = Identity::new(data.org_id.clone(), credentials, settings);
        let wxcc = WxccState::new(Arc::clone(&data), search::build()?, base.clone());
        Ok(App {
            identity: Arc::new(identity),
            codes: Arc::default(),
            wxcc: Arc::new(wxcc),
            engage: Arc::new(EngageState::new(Arc::clone(&data))),
            gate: Arc::new(Gate::new(Rng::new(data.seed).fork(99))),
            data,
            base,
        })
    }

    /// Every service's routes behind the gate; whatever no service serves is a 404 in the
    /// shape of the group its path belongs to.
    pub(crate) fn router(&self) -> Router {
        let identity = &self.identity;
        Router::new()
            .merge(oauth::router(Arc::clone(identity), Arc::clone(&self.codes)))
            .route("/callback", get(callback))
            .merge(engage::router(
                Arc::clone(identity),
                Arc::clone(&self.engage),
            ))
            .merge(wxcc::router(Arc::clone(identity), Arc::clone(&self.wxcc)))
            .fallback(not_found)
            .layer(middleware::from_fn_with_state(
                Arc::clone(&self.gate),
                gate::pass,
            ))
            // Added after the gate's layer, so the gate does not wrap them.
            .merge(control::router(
                Arc::clone(identity),
                Arc::clone(&self.gate),
            ))
    }
}

/// Serves until `stop` fires (or its sender is dropped).
pub(crate) async fn serve(listener: TcpListener, router: Router, stop: oneshot::Receiver<()>) {
    let listener = KillableListener { inner: listener };
    let result = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<ConnHandle>(),
    )
    .with_graceful_shutdown(async {
        let _ = stop.await;
    })
    .await;
    if let Err(error) = result {
        tracing::warn!(%error, "sandbox server stopped");
    }
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
