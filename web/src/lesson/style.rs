//! The lesson views' styles, kept beside them so the app's stylesheet stays
//! the web app's own. Uses the app's palette variables where they exist.

/// Layout of the panel and list. While a lesson is open the workbench gains a
/// narration column on its left; in presenter mode the narration grows.
pub const CSS: &str = r#"
.workbench:has(> .lesson-panel) {
  grid-template-columns: minmax(16rem, .8fr) minmax(0, 1.15fr) minmax(0, 1fr);
  grid-template-areas: "lesson stage panels" "lesson log panels";
}
.lesson-panel { grid-area: lesson; display: flex; flex-direction: column; gap: .5rem;
  padding: .8rem 1rem; border-radius: 10px; background: var(--panel); border: 1px solid var(--line);
  align-self: start; position: sticky; top: .5rem; max-height: calc(100vh - 1rem); overflow: auto; }
.lesson-crumb { margin: 0; font-size: .85rem; opacity: .8; }
.lesson-progress { margin: 0; font-size: .85rem; font-weight: 600; color: var(--accent); }
.lesson-stage-title { margin: 0; font-size: 1.3rem; text-transform: none; letter-spacing: normal; color: var(--ink); }
.lesson-text { line-height: 1.5; }
.lesson-text p { margin: .4rem 0; }
.lesson-text code { font-size: .92em; }
.lesson-panel a { color: var(--lit); }
.glossary-link { text-decoration: underline dotted; cursor: help; }
.lesson-term { position: relative; padding: .5rem .8rem; border-left: 4px solid var(--accent); background: var(--accent-soft); border-radius: 6px; font-size: .92rem; }
.lesson-term-close { position: absolute; top: .2rem; right: .2rem; border: none; background: none; cursor: pointer; }
.lesson-source, .lesson-record { margin: 0; font-size: .85rem; color: var(--muted); }
.lesson-nav { display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; }
.presenter .lesson-nav button { font-size: 1.1rem; }
.lesson-glossary h3 { font-size: .9rem; margin: .4rem 0 .2rem; }
.lesson-glossary ul { display: flex; flex-wrap: wrap; gap: .3rem; list-style: none; padding: 0; margin: 0; }
.lesson-glossary-term { font-size: .8rem; }
.lessons .meta { font-size: .85rem; color: var(--muted); margin: 0; }
.lessons .lesson-link { font-weight: 700; font-size: 1.15rem; color: var(--ink); text-decoration: none; }
.lessons .lesson-link:hover, .lessons .lesson-link:focus-visible { text-decoration: underline; }
.lessons .card p { margin: .35rem 0; }
@media (max-width: 1100px) {
  .workbench:has(> .lesson-panel) { grid-template-columns: 1fr; grid-template-areas: "lesson" "stage" "panels" "log"; }
  .lesson-panel { position: static; max-height: none; }
}
.presenter .workbench:has(> .lesson-panel) {
  grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
  grid-template-areas: "lesson stage" "lesson panels";
}
.presenter .lesson-panel { font-size: 1.45rem; }
.presenter .lesson-stage-title { font-size: 1.9rem; }
.presenter .lesson-progress, .presenter .lesson-crumb, .presenter .lesson-source { font-size: 1.1rem; }
@media (prefers-reduced-motion: no-preference) {
  .lesson-text { animation: lesson-in .25s ease-out; }
  @keyframes lesson-in { from { opacity: .3; } to { opacity: 1; } }
}
"#;

/// The diagram parts (SVG groups with `data-part`); every other target is a panel id.
const DIAGRAM_PARTS: [&str; 4] = ["futures", "reactor", "os", "executor"];

/// CSS that marks what a stage points at: the box of a diagram part
/// (`[data-part=..] rect`, SVG has no outline) or the panel with that id.
/// Targets are checked by the server against a fixed list, and only `[a-z-]`
/// ids are emitted here.
pub fn pointer_css(targets: &[String]) -> String {
    let (mut parts, mut panels) = (Vec::new(), Vec::new());
    for target in targets {
        if target.is_empty() || !target.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
            continue;
        }
        if DIAGRAM_PARTS.contains(&target.as_str()) {
            parts.push(format!("[data-part=\"{target}\"] rect"));
        } else {
            panels.push(format!("#{target}"));
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
             #run-queue { outline: 3px dashed var(--accent); outline-offset: 3px; }\n"
        );
        assert_eq!(pointer_css(&[]), "");
    }
}
