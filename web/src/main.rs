//! Entry point of the browser bundle: mount the app on `<body>`.

fn main() {
    leptos::mount::mount_to_body(reactor_web::App);
}
