//! Times the search index build on its own, for the benchmark's "search index build" target:
//! inside `praktika build` the index is built while practice pages are written, so its time
//! does not show as a stage of its own.
//!
//! Loads a site with every body rendered (as `serve` does), then builds every index file
//! `--runs` times on all cores and prints the median, the fastest and the slowest run.
//!
//! `cargo run --release --example index_time -- --root /tmp/corpus [--runs 5]`

use std::time::Instant;

/// The allocator `praktika` itself runs with (see `src/main.rs`), so the figure is the one a
/// build sees.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut root = None;
    let mut runs = 5usize;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--root" => root = args.next(),
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(runs),
            other => {
                eprintln!("unknown argument {other}");
                std::process::exit(2);
            }
        }
    }
    let Some(root) = root else {
        eprintln!("usage: index_time --root SITE [--runs N]");
        std::process::exit(2);
    };
    let library = match praktika::load(&praktika::BuildOptions::new(&root)) {
        Ok(library) => library,
        Err(err) => {
            eprintln!("{err}");
            std::process::exit(1);
        }
    };
    let mut times: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let started = Instant::now();
            let files = praktika::search::index::build(&library);
            let elapsed = started.elapsed().as_secs_f64();
            std::hint::black_box(files);
            elapsed
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "{} practices: search index build median {:.3} s, min {:.3} s, max {:.3} s ({} runs)",
        library.practices.len(),
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        times.len()
    );
}
