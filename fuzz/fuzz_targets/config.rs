//! The `site.yaml` loader, and the regions file loader.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(diagnostics) = praktika::config::Config::parse(Path::new("site.yaml"), text) {
        for d in diagnostics {
            let _ = d.to_string();
        }
    }
    let _ = praktika::regions::Regions::parse(Path::new("regions.yaml"), text);
});
