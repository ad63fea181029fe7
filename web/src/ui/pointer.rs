//! The stage pointer: CSS, made per stage, that marks what the stage's text
//! points at, brings the panels it names to the top of the panel column, and
//! in presenter mode shows only those panels. The lesson views' fixed styles
//! are in `web/style.css`.

use reactor_protocol::lesson::POINT_AT_TARGETS;

use crate::explain::Part;

/// The panels beside a lesson in presenter mode, all hidden by `web/style.css`
/// but those a stage points at.
const PRESENTED_PANELS: &str = ".presenter .workbench:has(> .lesson-panel) .panels > .panel";

/// CSS that marks what a stage points at: the box of a diagram part
/// (`[data-part=..] rect`, SVG has no outline), or the state panel holding
/// the element with that id, which also moves first in the panel column and
/// is the one panel shown beside a lesson in presenter mode. Only the protocol's
/// [`POINT_AT_TARGETS`] are emitted (the server checks lessons against them
/// too).
pub fn pointer_css(targets: &[String]) -> String {
    let (mut parts, mut panels, mut holders) = (Vec::new(), Vec::new(), Vec::new());
    for target in targets {
        if !POINT_AT_TARGETS.contains(&target.as_str()) {
            continue;
        }
        if Part::ALL.iter().any(|part| part.id() == target) {
            parts.push(format!("[data-part=\"{target}\"] rect"));
        } else {
            // The panel holding it (a list can be empty, and flat), else itself.
            panels.push(format!(
                ".panel:has(> #{target}), #{target}:not(.panel > *)"
            ));
            holders.push(format!(":has(#{target})"));
        }
    }
    let mut css = String::new();
    if !parts.is_empty() {
        css += &format!(
            "{} {{ stroke: var(--accent); stroke-width: 4; }}\n",
            parts.join(", ")
        );
    }
    if !panels.is_empty() {
        css += &format!(
            "{} {{ outline: 3px dashed var(--accent); outline-offset: 3px; }}\n",
            panels.join(", ")
        );
        let holders = holders.join(", ");
        css += &format!(".panels > .panel:is({holders}) {{ order: -1; }}\n");
        css += &format!("{PRESENTED_PANELS}:is({holders}) {{ display: block; }}\n");
    }
    css
}

/// Scroll the page so that what a stage points at is on screen: all of it
/// when it fits, else its top. Diagram parts count as well as panels. Smooth
/// unless the reader asked for reduced motion. Not where the narration
/// stands above everything in one column (a phone): there the reader is
/// reading it, and scrolls on when done.
pub fn bring_into_view(targets: &[String]) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let matches = |query: &str| {
        window
            .match_media(query)
            .ok()
            .flatten()
            .is_some_and(|query| query.matches())
    };
    if matches(ONE_COLUMN) {
        return;
    }
    let Some(document) = window.document() else {
        return;
    };
    let boxes: Vec<_> = targets
        .iter()
        .filter(|target| POINT_AT_TARGETS.contains(&target.as_str()))
        .filter_map(|target| {
            let element = match document.query_selector(&format!("[data-part=\"{target}\"]")) {
                Ok(Some(part)) => part,
                _ => {
                    let element = document.get_element_by_id(target)?;
                    element.closest(".panel").ok().flatten().unwrap_or(element)
                }
            };
            let rect = element.get_bounding_client_rect();
            (rect.height() > 0.0).then(|| (rect.top(), rect.bottom()))
        })
        .collect();
    let Some(top) = boxes.iter().map(|b| b.0).reduce(f64::min) else {
        return;
    };
    let bottom = boxes.iter().map(|b| b.1).fold(top, f64::max);
    let height = window
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    let Some(by) = scroll_needed(top, bottom, height) else {
        return;
    };
    let reduced = matches("(prefers-reduced-motion: reduce)");
    let options = web_sys::ScrollToOptions::new();
    options.set_top(by);
    options.set_behavior(if reduced {
        web_sys::ScrollBehavior::Instant
    } else {
        web_sys::ScrollBehavior::Smooth
    });
    window.scroll_by_with_scroll_to_options(&options);
}

/// Where `web/style.css` puts a lesson's narration above the diagram and
/// the panels, in one column.
const ONE_COLUMN: &str = "(max-width: 1100px)";

/// Room left above and below what is brought into view, in CSS pixels.
const MARGIN_PX: f64 = 12.0;

/// How far to scroll down (negative: up) so that the span from `top` to
/// `bottom` (relative to a viewport `height` high) is on screen, or, if it is
/// taller than the viewport, so that its top is; `None` when it already is.
fn scroll_needed(top: f64, bottom: f64, height: f64) -> Option<f64> {
    let (top, bottom) = (top - MARGIN_PX, bottom + MARGIN_PX);
    if top < 0.0 || bottom - top > height {
        (top.abs() > 0.5).then_some(top)
    } else if bottom > height {
        Some(bottom - height)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_css_marks_parts_and_panels_and_drops_odd_ids() {
        let css = pointer_css(&["reactor".into(), "run-queue".into(), "x{}".into()]);
        assert_eq!(
            css,
            "[data-part=\"reactor\"] rect { stroke: var(--accent); stroke-width: 4; }\n\
             .panel:has(> #run-queue), #run-queue:not(.panel > *) \
             { outline: 3px dashed var(--accent); outline-offset: 3px; }\n\
             .panels > .panel:is(:has(#run-queue)) { order: -1; }\n\
             .presenter .workbench:has(> .lesson-panel) .panels > .panel:is(:has(#run-queue)) \
             { display: block; }\n"
        );
        assert_eq!(pointer_css(&[]), "");
        assert_eq!(pointer_css(&["unknown-panel".into()]), "");
    }

    #[test]
    fn scrolling_brings_the_whole_span_or_its_top_into_view() {
        // On screen already: no scroll.
        assert_eq!(scroll_needed(100.0, 500.0, 900.0), None);
        // Below the fold: scroll down until its bottom (and margin) shows.
        assert_eq!(scroll_needed(800.0, 1100.0, 900.0), Some(1112.0 - 900.0));
        // Above the top: scroll up to it.
        assert_eq!(scroll_needed(-300.0, 100.0, 900.0), Some(-312.0));
        // Taller than the screen: its top goes to the top.
        assert_eq!(scroll_needed(200.0, 1400.0, 900.0), Some(188.0));
        assert_eq!(scroll_needed(12.0, 2000.0, 900.0), None);
    }

    #[test]
    fn every_diagram_part_can_be_pointed_at() {
        for part in Part::ALL {
            assert!(POINT_AT_TARGETS.contains(&part.id()), "{}", part.id());
        }
    }
}
