//! The stage pointer: CSS, made per stage, that marks what the stage's text
//! points at. The lesson views' fixed styles are in `web/style.css`.

use reactor_protocol::lesson::POINT_AT_TARGETS;

use crate::explain::Part;

/// CSS that marks what a stage points at: the box of a diagram part
/// (`[data-part=..] rect`, SVG has no outline), or the state panel holding
/// the element with that id. Only the protocol's
/// [`POINT_AT_TARGETS`] are emitted (the server checks lessons against them
/// too).
pub fn pointer_css(targets: &[String]) -> String {
    let (mut parts, mut panels) = (Vec::new(), Vec::new());
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
    }
    css
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
             { outline: 3px dashed var(--accent); outline-offset: 3px; }\n"
        );
        assert_eq!(pointer_css(&[]), "");
        assert_eq!(pointer_css(&["unknown-panel".into()]), "");
    }

    #[test]
    fn every_diagram_part_can_be_pointed_at() {
        for part in Part::ALL {
            assert!(POINT_AT_TARGETS.contains(&part.id()), "{}", part.id());
        }
    }
}
