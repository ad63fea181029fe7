//! A program's items: `use` lines, functions, and `#[tokio::main]`.

use std::sync::Arc;

use syn::{Attribute, FnArg, Item, ItemFn, Pat};

use super::expr::Lowering;
use super::paths::Imports;
use super::{refuse, span_of};
use crate::{Limits, ProgramError, ast};

/// Tokio's own default for `worker_threads` is the machine's cores; the
/// lab's workers are logical, so it picks a number to show.
const DEFAULT_WORKERS: u32 = 4;

/// Attributes that change nothing the playground shows.
const HARMLESS_ATTRIBUTES: [&str; 5] = ["allow", "warn", "doc", "inline", "must_use"];

/// Lower a parsed file.
pub(super) fn program(file: &syn::File, limits: &Limits) -> Result<ast::Program, ProgramError> {
    if let Some(attribute) = file.attrs.first() {
        return refuse(
            attribute,
            "inner attributes such as `#![...]` are not supported",
        );
    }
    let mut imports = Imports::default();
    let mut functions = Vec::new();
    for item in &file.items {
        match item {
            Item::Use(item) => imports.add(item)?,
            Item::Fn(function) => functions.push(function),
            other => return refuse(other, refused_item(other)),
        }
    }
    let Some(main) = functions.iter().find(|f| f.sig.ident == "main") else {
        return Err(ProgramError::whole(
            "the program has no `main`: write `#[tokio::main] async fn main() { … }`",
        ));
    };
    let workers = runtime_flavor(main, limits)?;
    let signatures: Vec<(String, usize)> = functions
        .iter()
        .map(|f| (f.sig.ident.to_string(), f.sig.inputs.len()))
        .collect();
    for (index, (name, _)) in signatures.iter().enumerate() {
        if signatures[..index]
            .iter()
            .any(|(earlier, _)| earlier == name)
        {
            return refuse(
                &functions[index].sig.ident,
                format!("`{name}` is defined twice"),
            );
        }
    }
    let mut lowered = Vec::new();
    for function in &functions {
        let mut lowering = Lowering::new(limits, &imports, &signatures);
        lowered.push(Arc::new(lower_function(function, &mut lowering)?));
    }
    Ok(ast::Program {
        functions: lowered,
        workers,
    })
}

fn lower_function(
    function: &ItemFn,
    lowering: &mut Lowering<'_>,
) -> Result<ast::Function, ProgramError> {
    let sig = &function.sig;
    let name = sig.ident.to_string();
    if name != "main" {
        check_attributes(&function.attrs)?;
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        return refuse(
            &sig.generics,
            "generic functions are not supported: give every parameter a concrete type",
        );
    }
    if let Some(token) = &sig.constness {
        return refuse(token, "`const fn` is not supported: write a plain `fn`");
    }
    if let Some(token) = &sig.unsafety {
        return refuse(token, "`unsafe` is not supported in the playground");
    }
    if let Some(variadic) = &sig.variadic {
        return refuse(variadic, "variadic functions are not supported");
    }
    let mut params = Vec::new();
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(receiver) => {
                return refuse(
                    receiver,
                    "methods (`self`) are not supported: write free functions",
                );
            }
            FnArg::Typed(typed) => match &*typed.pat {
                Pat::Ident(ident) if ident.by_ref.is_none() && ident.subpat.is_none() => {
                    params.push(Arc::from(ident.ident.to_string()));
                }
                other => {
                    return refuse(
                        other,
                        "a parameter must be a plain name (`stream` or `mut stream`)",
                    );
                }
            },
        }
    }
    if name == "main" && !params.is_empty() {
        return refuse(&sig.inputs, "`main` takes no parameters");
    }
    let is_async = sig.asyncness.is_some();
    let body = lowering.function_body(&function.block, is_async)?;
    Ok(ast::Function {
        name: name.into(),
        is_async,
        params,
        body: Arc::new(body),
    })
}

/// `main` must be `#[tokio::main] async fn main()`: its flavour gives the workers.
fn runtime_flavor(main: &ItemFn, limits: &Limits) -> Result<Option<u32>, ProgramError> {
    if main.sig.asyncness.is_none() {
        return refuse(
            &main.sig.ident,
            "`main` must be `#[tokio::main] async fn main()`: the playground builds the runtime as that attribute does",
        );
    }
    let mut flavor = None;
    for attribute in &main.attrs {
        let path = attribute.path();
        let is_tokio_main = path.segments.len() == 2
            && path.segments[0].ident == "tokio"
            && path.segments[1].ident == "main";
        if !is_tokio_main {
            check_attributes(std::slice::from_ref(attribute))?;
            continue;
        }
        flavor = Some(tokio_main_arguments(attribute, limits)?);
    }
    flavor.ok_or_else(|| {
        let at = span_of(&main.sig.ident);
        ProgramError::at(
            at.line,
            at.column,
            "`async fn main` needs `#[tokio::main]` above it: that attribute builds the runtime",
        )
    })
}

/// `#[tokio::main]`, `#[tokio::main(flavor = "current_thread")]`,
/// `#[tokio::main(flavor = "multi_thread", worker_threads = N)]`.
fn tokio_main_arguments(
    attribute: &Attribute,
    limits: &Limits,
) -> Result<Option<u32>, ProgramError> {
    if matches!(attribute.meta, syn::Meta::Path(_)) {
        // Tokio's `#[tokio::main]` default is the multi-thread flavour; the
        // lab follows the article, whose programs read as one thread.
        return Ok(None);
    }
    let mut multi_thread = false;
    let mut workers = None;
    let mut failure = None;
    let parsed = attribute.parse_nested_meta(|meta| {
        let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
        let value: syn::Lit = meta.value()?.parse()?;
        match (key.as_str(), &value) {
            ("flavor", syn::Lit::Str(text)) => match text.value().as_str() {
                "current_thread" => multi_thread = false,
                "multi_thread" => multi_thread = true,
                other => {
                    failure = Some(refuse::<()>(&value, format!("unknown flavor `{other}`: use \"current_thread\" or \"multi_thread\"")));
                }
            },
            ("worker_threads", syn::Lit::Int(int)) => match int.base10_parse::<u32>() {
                Ok(n) if (1..=limits.max_workers).contains(&n) => workers = Some((n, span_of(&value))),
                _ => {
                    failure = Some(refuse::<()>(&value, format!("`worker_threads` must be 1 to {}", limits.max_workers)));
                }
            },
            _ => {
                failure = Some(refuse::<()>(
                    &meta.path,
                    format!("`{key}` is not supported here: the playground takes `flavor` and `worker_threads`"),
                ));
            }
        }
        Ok(())
    });
    if let Err(error) = parsed {
        let at = super::span_at(error.span());
        return Err(ProgramError::at(
            at.line,
            at.column,
            format!("cannot read `#[tokio::main(...)]`: {error}"),
        ));
    }
    if let Some(Err(error)) = failure {
        return Err(error);
    }
    match (multi_thread, workers) {
        (true, workers) => Ok(Some(workers.map_or(DEFAULT_WORKERS, |(n, _)| n))),
        (false, None) => Ok(None),
        (false, Some((_, at))) => Err(ProgramError::at(
            at.line,
            at.column,
            "`worker_threads` only goes with `flavor = \"multi_thread\"` (Tokio refuses it too)",
        )),
    }
}

fn check_attributes(attributes: &[Attribute]) -> Result<(), ProgramError> {
    for attribute in attributes {
        let known = attribute
            .path()
            .get_ident()
            .is_some_and(|ident| HARMLESS_ATTRIBUTES.iter().any(|name| ident == name));
        if !known {
            return refuse(
                attribute,
                "this attribute is not supported: only `#[tokio::main]` on `main` (and `#[allow]`, `#[doc]`) are",
            );
        }
    }
    Ok(())
}

/// What a refused item is called, and what to write instead.
fn refused_item(item: &Item) -> &'static str {
    match item {
        Item::Struct(_) => "structs are not supported: keep values in variables and tuples",
        Item::Enum(_) => {
            "enums are not supported: the playground's values are numbers, text, bytes, tuples, results and Tokio's types"
        }
        Item::Impl(_) => "`impl` blocks are not supported: write free functions",
        Item::Trait(_) => "traits are not supported: write free functions",
        Item::Const(_) => "`const` items are not supported: use a `let` in `main`",
        Item::Static(_) => "`static` items are not supported: pass values as parameters",
        Item::Mod(_) => "modules are not supported: the playground runs one file",
        Item::Macro(_) => "macro definitions are not supported",
        Item::ExternCrate(_) => {
            "`extern crate` is not supported: `tokio` and `std` are already there"
        }
        Item::Type(_) => "type aliases are not supported",
        _ => "this item is not supported: a program is `use` lines and functions",
    }
}
