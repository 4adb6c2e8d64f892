//! The routes the sandbox serves, as data: what a test compares with the spec's operation
//! table, so a route and the spec cannot disagree. Part of the app because it gathers every
//! service's table.

/// Which API a route belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Service {
    /// WxCC (paths relative to the WxCC base URL, `/wxcc` on the sandbox).
    Wxcc,
    /// Engage (paths relative to the Engage base URL, `/engage/api/v1` on the sandbox).
    Engage,
    /// The notification websocket a WxCC subscription points at (paths relative to the
    /// sandbox's base URL). Cisco hands out a `wss://` URL and documents no path, so this
    /// route is the sandbox's own and is in neither spec; the URL itself is the credential.
    NotificationSocket,
}

/// One operation the sandbox serves.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServedRoute {
    /// The API.
    pub service: Service,
    /// HTTP method in upper case.
    pub method: &'static str,
    /// The path template, relative to the service's base URL. A route that serves several
    /// resources through one handler (`/organization/{orgid}/{resource}`) is listed once per
    /// resource it knows.
    pub path: String,
    /// The OAuth scopes, any one of which the route accepts.
    pub scopes: &'static [&'static str],
}

/// Every operation the sandbox serves, OAuth's endpoints excepted (they are not part of either
/// spec).
///
/// ```
/// use wxcc_sandbox::{Service, served_routes};
///
/// let routes = served_routes();
/// assert!(routes.iter().any(|r| r.service == Service::Wxcc && r.method == "POST" && r.path == "/search"));
/// ```
pub fn served_routes() -> Vec<ServedRoute> {
    let wxcc = crate::wxcc::served().map(|(method, path, scopes)| ServedRoute {
        service: Service::Wxcc,
        method,
        path,
        scopes,
    });
    let engage = crate::engage::served().map(|(method, path, scopes)| ServedRoute {
        service: Service::Engage,
        method,
        path,
        scopes,
    });
    let socket = ServedRoute {
        service: Service::NotificationSocket,
        method: "GET",
        path: crate::wxcc::NOTIFICATION_SOCKET_PATH.to_owned(),
        scopes: &[],
    };
    wxcc.chain(engage).chain(std::iter::once(socket)).collect()
}
