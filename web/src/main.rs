//! Starts the lesson over the page the server sent. Everything else lives in the library, where tests
//! can reach it.

fn main() {
    // A panic in the browser is written to the console (where the end-to-end tests look for it).
    console_error_panic_hook::set_once();
    web::island::start();
}
