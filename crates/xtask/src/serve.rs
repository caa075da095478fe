//! `cargo xtask serve`: install what is missing, build the page, serve it on http://127.0.0.1:8080 with
//! the precompressed copies.

use crate::build::{dist, fetch, release_bundle};
use crate::run::{Result, step};
use crate::tools;

/// Builds and serves the page on http://127.0.0.1:8080.
pub fn serve() -> Result {
    let tools = tools::ensure()?;
    step("fetch crates (Trunk builds offline)", fetch)?;
    step("release bundle (trunk build --release, prerender, precompress)", || release_bundle(&tools))?;
    let server = site::Server::start(&dist(), 8080)?;
    println!("\nServing the lesson on {} (Ctrl-C stops it)", server.url());
    server.wait();
    Ok(())
}
