//! The GraphiQL page (`GET /graphql` from a browser). It loads production builds of React and
//! GraphiQL at pinned versions, each with its subresource-integrity hash, from
//! `GRAPHIQL_ASSETS_URL` (unpkg by default) or, for networks without internet access, from a
//! folder this server serves (`GRAPHIQL_ASSETS_DIR`, filled by `scripts/graphiql-assets.sh`;
//! every file is checked against its hash at start-up). Its one inline script is allowed by its
//! hash in the page's Content-Security-Policy, not by `'unsafe-inline'`. With `--demo` it opens
//! with the demo API key in its headers and an example document ready to run.

use std::path::Path;

use anyhow::{bail, Context};
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine as _;
use sha2::{Digest, Sha256, Sha384};

use super::AppState;
use crate::config::GraphiqlAssets;

/// Where this server serves the assets of `GRAPHIQL_ASSETS_DIR`.
const LOCAL_BASE: &str = "/graphiql/assets";

/// One pinned file the page loads.
struct Asset {
    path: &'static str,
    integrity: &'static str,
    content_type: &'static str,
}

/// The pinned files, in the order the page loads them (`scripts/graphiql-assets.sh` fetches the
/// same versions).
const ASSETS: [Asset; 4] = [
    Asset {
        path: "react@18.3.1/umd/react.production.min.js",
        integrity: "sha384-DGyLxAyjq0f9SPpVevD6IgztCFlnMF6oW/XQGmfe+IsZ8TqEiDrcHkMLKI6fiB/Z",
        content_type: "text/javascript; charset=utf-8",
    },
    Asset {
        path: "react-dom@18.3.1/umd/react-dom.production.min.js",
        integrity: "sha384-gTGxhz21lVGYNMcdJOyq01Edg0jhn/c22nsx0kyqP0TxaV5WVdsSH1fSDUf5YJj1",
        content_type: "text/javascript; charset=utf-8",
    },
    Asset {
        path: "graphiql@4.0.3/graphiql.min.js",
        integrity: "sha384-naAA3pYPARITlxC7GwToGuWsRdWfcCBgwIRLMDY6t7YKpjASnzW27h0gm4PIW06W",
        content_type: "text/javascript; charset=utf-8",
    },
    Asset {
        path: "graphiql@4.0.3/graphiql.min.css",
        integrity: "sha384-6ZaxvqvxdqMCDsD9wNOq+NxheDM6rTYy4eeE/fZmPonsSKffQ7nV+IQNzLemeuSH",
        content_type: "text/css; charset=utf-8",
    },
];

/// The document a demo's GraphiQL opens with.
const DEMO_DOCUMENT: &str = "# The demo API key is in Headers below. Run: Ctrl-Enter.
query Catalog {
  stores {
    name
    products(first: 3) {
      totalCount
      nodes {
        name
        variants {
          sku
          cost
          stock
          customFields {
            label
            type
            options { label }
          }
        }
      }
    }
  }
}
";

/// The document GraphiQL opens with otherwise.
const DOCUMENT: &str = "# Send a token in the Headers tab: {\"Authorization\": \"Bearer …\"}
{
  __typename
}
";

/// The page and the files it loads from this server, built once at start-up.
pub struct GraphiqlPage {
    html: String,
    csp: HeaderValue,
    /// The pinned files read from `GRAPHIQL_ASSETS_DIR` (empty when they come from a URL).
    files: Vec<(&'static str, &'static str, Vec<u8>)>,
}

impl GraphiqlPage {
    /// The page for `assets`; with `demo_key`, GraphiQL opens with it and the demo document.
    pub fn new(assets: &GraphiqlAssets, demo_key: Option<&str>) -> anyhow::Result<Self> {
        let (base, source, files) = match &assets.dir {
            Some(dir) => (LOCAL_BASE.to_owned(), "'self'".to_owned(), read_assets(dir)?),
            None => {
                let base = assets.url.trim_end_matches('/').to_owned();
                (base.clone(), origin(&base)?, Vec::new())
            }
        };
        let headers = demo_key.map(|key| format!("{{\"Authorization\": \"Bearer {key}\"}}"));
        let settings = serde_json::json!({
            "document": if demo_key.is_some() { DEMO_DOCUMENT } else { DOCUMENT },
            "headers": headers,
        });
        // `<` escaped so that no value can end the script element.
        let settings = settings.to_string().replace('<', "\\u003c");
        // The exact text between the script tags: the policy allows it by its hash.
        let script = format!("const settings = {settings};\n{BOOTSTRAP}");
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()));
        let csp = format!(
            "default-src 'none'; script-src {source} 'sha256-{hash}'; style-src {source} 'unsafe-inline'; \
             img-src 'self' data:; font-src {source} data:; connect-src 'self'; base-uri 'none'; \
             form-action 'none'; frame-ancestors 'none'"
        );
        let [react, react_dom, graphiql, css] = &ASSETS;
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"robots\" content=\"noindex\">\n<link rel=\"icon\" href=\"data:,\">\n<title>commerce-gateway GraphiQL</title>\n\
             <style>body {{ margin: 0; }} #graphiql {{ height: 100vh; }}</style>\n{}\n</head>\n<body>\n\
             <div id=\"graphiql\">Loading GraphiQL…</div>\n{}\n{}\n{}\n<script>{script}</script>\n</body>\n</html>\n",
            link(&base, css),
            script_tag(&base, react),
            script_tag(&base, react_dom),
            script_tag(&base, graphiql),
        );
        let csp = HeaderValue::from_str(&csp).context("the GraphiQL page's Content-Security-Policy")?;
        Ok(Self { html, csp, files })
    }

    pub fn response(&self) -> Response {
        ([(header::CONTENT_SECURITY_POLICY, self.csp.clone())], Html(self.html.clone())).into_response()
    }
}

/// Renders GraphiQL with `settings` (the document to open with, the headers, if any).
const BOOTSTRAP: &str = "const endpoint = new URL('/graphql', window.location.href);
const socket = new URL(endpoint);
socket.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';
const params = settings.headers ? JSON.parse(settings.headers) : undefined;
const fetcher = GraphiQL.createFetcher({
  url: endpoint.toString(),
  subscriptionUrl: socket.toString(),
  wsConnectionParams: params,
});
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, {
    fetcher,
    defaultQuery: settings.document,
    defaultHeaders: settings.headers ?? undefined,
    defaultEditorToolsVisibility: settings.headers ? 'headers' : true,
  }),
);
";

fn script_tag(base: &str, asset: &Asset) -> String {
    format!(
        "<script src=\"{base}/{}\" integrity=\"{}\" crossorigin=\"anonymous\"></script>",
        asset.path, asset.integrity
    )
}

fn link(base: &str, asset: &Asset) -> String {
    format!(
        "<link rel=\"stylesheet\" href=\"{base}/{}\" integrity=\"{}\" crossorigin=\"anonymous\">",
        asset.path, asset.integrity
    )
}

/// `scheme://host[:port]` of an `http(s)` URL, for the Content-Security-Policy.
fn origin(base: &str) -> anyhow::Result<String> {
    let url = url::Url::parse(base).with_context(|| format!("GRAPHIQL_ASSETS_URL {base:?} is not a URL"))?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
        bail!("GRAPHIQL_ASSETS_URL {base:?} must be an http(s) URL");
    }
    Ok(url.origin().ascii_serialization())
}

/// Reads every pinned file from `dir`, refusing one that is missing or not the pinned content.
fn read_assets(dir: &Path) -> anyhow::Result<Vec<(&'static str, &'static str, Vec<u8>)>> {
    ASSETS
        .iter()
        .map(|asset| {
            let file = dir.join(asset.path);
            let bytes = std::fs::read(&file).with_context(|| {
                format!("GRAPHIQL_ASSETS_DIR lacks {} (fetch them with scripts/graphiql-assets.sh)", file.display())
            })?;
            let digest = base64::engine::general_purpose::STANDARD.encode(Sha384::digest(&bytes));
            if asset.integrity.strip_prefix("sha384-") != Some(digest.as_str()) {
                bail!("{} is not the pinned file (its SHA-384 differs)", file.display());
            }
            Ok((asset.path, asset.content_type, bytes))
        })
        .collect()
}

/// `GET /graphiql/assets/{path}`: one of the pinned files of `GRAPHIQL_ASSETS_DIR`.
pub async fn asset(State(state): State<AppState>, UrlPath(path): UrlPath<String>) -> Response {
    let Some((_, content_type, bytes)) = state.graphiql.files.iter().find(|(name, _, _)| *name == path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable")),
    ];
    (headers, bytes.clone()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_pins_every_asset_with_its_hash_and_allows_only_its_own_script() {
        let page = GraphiqlPage::new(&GraphiqlAssets::default(), Some("cgk_demo")).expect("page");
        for asset in &ASSETS {
            let tag = format!(
                "{}/{}\" integrity=\"{}\"",
                crate::cli::DEFAULT_GRAPHIQL_ASSETS_URL,
                asset.path,
                asset.integrity
            );
            assert!(page.html.contains(&tag), "{tag} missing from the page");
        }
        assert!(!page.html.contains("development"), "production builds only");
        let csp = page.csp.to_str().expect("ascii");
        assert!(csp.contains("script-src https://unpkg.com 'sha256-"), "{csp}");
        assert!(!csp.contains("script-src https://unpkg.com 'unsafe-inline'"), "{csp}");
        assert!(page.html.contains("Bearer cgk_demo"), "the demo key is in the headers");
    }

    #[test]
    fn a_bad_assets_url_or_folder_refuses_to_start() {
        for url in ["ftp://example.com", "not a url", "https://"] {
            let assets = GraphiqlAssets { url: url.to_owned(), dir: None };
            assert!(GraphiqlPage::new(&assets, None).is_err(), "{url}");
        }
        let empty = tempfile::tempdir().expect("dir");
        let assets = GraphiqlAssets { dir: Some(empty.path().to_owned()), ..GraphiqlAssets::default() };
        let error = GraphiqlPage::new(&assets, None).err().expect("refused").to_string();
        assert!(error.contains("lacks"), "{error}");
    }
}
