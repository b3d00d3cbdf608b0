//! The `praktika` command line: parses arguments, runs the library, prints diagnostics.

/// mimalloc: allocation and freeing were 10–15 % of build and check profiles (millions of
/// small strings and vectors across two threads), where glibc's allocator contends and
/// consolidates.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use praktika::{BuildOptions, Error, Summary};

#[derive(Parser)]
#[command(
    name = "praktika",
    version,
    about = "Build a searchable static library of best practices from Markdown"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
    Github,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output directory (atomically)
    Build {
        /// Site root (the folder with site.yaml)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output directory [default: ROOT/public]
        #[arg(long)]
        output: Option<PathBuf>,
        /// Override base_url from site.yaml, e.g. https://example.org/library/
        #[arg(long)]
        base_url: Option<String>,
        /// Include practices marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// Replace an output directory that Praktika did not create
        #[arg(long)]
        force: bool,
        /// Print how long each stage took
        #[arg(long)]
        timings: bool,
    },
    /// Validate everything a build would, without writing files (for CI)
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        drafts: bool,
        /// How to print diagnostics: for people, as JSON, or as GitHub annotations
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Build and serve the site locally for preview
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port to listen on (0 picks a free one)
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to bind; anything but loopback exposes the preview to the network
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Open the site in the default browser
        #[arg(long)]
        open: bool,
        #[arg(long)]
        drafts: bool,
    },
    /// Create a practice file with the standard sections
    New {
        /// The practice's title
        title: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        region: String,
        #[arg(long)]
        sector: String,
        #[arg(long)]
        year: i32,
        /// File name (URL slug) instead of the transliterated title
        #[arg(long)]
        slug: Option<String>,
    },
    /// Create a new site in DIR
    Init { dir: PathBuf },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            report(&err);
            ExitCode::from(err.exit_code())
        }
    }
}

fn run(command: Command) -> Result<(), Error> {
    match command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            force,
            timings,
        } => {
            let options = BuildOptions {
                root,
                output,
                base_url,
                drafts,
                force,
            };
            let summary = praktika::build(&options)?;
            if timings {
                for (stage, time) in &summary.stages {
                    eprintln!("  {stage:<30} {:>8.1} ms", time.as_secs_f64() * 1000.0);
                }
            }
            let headline = format!(
                "Built {} practices, {} pages",
                summary.practices, summary.pages
            );
            print_summary(&headline, &summary);
            Ok(())
        }
        Command::Check {
            root,
            drafts,
            format,
        } => {
            let mut options = BuildOptions::new(root);
            options.drafts = drafts;
            let result = praktika::check(&options);
            if format == Format::Human {
                let summary = result?;
                let headline = format!(
                    "Checked {} practices and {} templates",
                    summary.practices, summary.pages
                );
                print_summary(&headline, &summary);
                return Ok(());
            }
            let (diagnostics, outcome) = match result {
                Ok(summary) => (summary.warnings, Ok(())),
                Err(Error::Content(diagnostics)) => {
                    let count = diagnostics.iter().filter(|d| d.is_error()).count();
                    (diagnostics, Err(count))
                }
                Err(other) => return Err(other),
            };
            let formats = praktika::diagnostics::formats::json;
            match format {
                Format::Json => println!("{}", formats(&diagnostics)),
                _ => {
                    for d in &diagnostics {
                        println!("{}", praktika::diagnostics::formats::github(d));
                    }
                }
            }
            match outcome {
                Ok(()) => Ok(()),
                Err(count) => {
                    eprintln!("error: {count} problem(s) found");
                    std::process::exit(1)
                }
            }
        }
        Command::Serve {
            root,
            port,
            bind,
            open,
            drafts,
        } => serve(root, port, bind, open, drafts),
        Command::New {
            title,
            root,
            region,
            sector,
            year,
            slug,
        } => {
            let lib = praktika::load(&BuildOptions::new(&root)).or_else(|err| match err {
                // A new practice is often written to fix a broken site; only config matters here.
                Error::Content(_) => config_only(&root),
                other => Err(other),
            })?;
            match praktika::scaffold::new_practice(
                &root,
                &lib.config,
                &lib.regions,
                &praktika::scaffold::NewPractice {
                    title: &title,
                    region: &region,
                    sector: &sector,
                    year,
                    slug: slug.as_deref(),
                },
            ) {
                Ok(path) => {
                    eprintln!("Created {}", path.display());
                    Ok(())
                }
                Err(praktika::scaffold::NewError::Other(err)) => Err(err),
                Err(err) => {
                    eprintln!("error: {err}");
                    std::process::exit(2);
                }
            }
        }
        Command::Init { dir } => {
            let files = praktika::scaffold::init_site(&dir)?;
            for file in files {
                eprintln!("  created {}", file.display());
            }
            eprintln!(
                "New site in {}. Preview it with: praktika serve --root {}",
                dir.display(),
                dir.display()
            );
            Ok(())
        }
    }
}

/// A library with the site's configuration and no content, for `new` on a broken site.
fn config_only(root: &Path) -> Result<praktika::library::Library, Error> {
    let text = praktika::content::read_text(&root.join("site.yaml"), Path::new("site.yaml"))
        .map_err(|d| Error::Content(vec![d]))?;
    let config =
        praktika::config::Config::parse(Path::new("site.yaml"), &text).map_err(Error::Content)?;
    Ok(praktika::library::Library::new(
        config,
        praktika::regions::Regions::embedded(),
        Default::default(),
    ))
}

fn serve(root: PathBuf, port: u16, bind: IpAddr, open: bool, drafts: bool) -> Result<(), Error> {
    praktika::serve::run(praktika::serve::ServeOptions {
        root,
        addr: SocketAddr::new(bind, port),
        drafts,
        open,
    })
}

fn print_summary(headline: &str, summary: &Summary) {
    for warning in &summary.warnings {
        eprint!("{warning}");
    }
    let ms = summary.elapsed.as_secs_f64() * 1000.0;
    let time = if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.2} s", ms / 1000.0)
    };
    let warnings = match summary.warnings.len() {
        0 => String::new(),
        n => format!(", {n} warning(s)"),
    };
    eprintln!("{headline} in {time}{warnings}");
}

fn report(err: &Error) {
    match err {
        Error::Content(diagnostics) => {
            for d in diagnostics {
                eprintln!("{d}");
            }
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!("error: {errors} problem(s) found; nothing was written");
        }
        other => eprintln!("error: {other}"),
    }
}
