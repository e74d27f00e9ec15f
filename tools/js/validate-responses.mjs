#!/usr/bin/env node
// Checks real responses against the OpenAPI document.
//
//   node tools/js/validate-responses.mjs [--skip-prefix=/ui,/docs/] [--coverage] DOC LOG
//
// --skip-prefix: paths left out of the check (files the document does not describe); a prefix
// ending in "/" skips what is under it, one without skips that path and what is under it.
// --coverage: also lists the documented (method, path, status) triples the log never showed.
// LOG is JSON lines, one response each: {"method", "target", "status", "content_type", "body"}
// and optionally "headers" ({lower-case name: [values]}). Each response is mapped to the
// operation of DOC whose path template matches the target's path (or, for a request that matches
// no operation, to DOC's `x-authd-unmatched-responses`), and then:
//   - its status must be documented for that operation;
//   - a body must come with a media type documented for that status, and an empty body only where
//     none is documented;
//   - a JSON body must validate (Ajv, JSON Schema 2020-12, formats) against the documented schema;
//   - when headers are logged, every header documented as required must be there, and each
//     documented header's values must match its schema.
// Exit status: 0 when everything matched, 1 when something did not (each mismatch is listed with
// its line number) or the log is empty, 2 on bad usage or an unreadable input.
//
// $refs are resolved by Ajv itself: the whole document is added as one schema with an $id, and every
// schema is compiled as a reference into it by JSON pointer, so "#/components/schemas/..." inside
// resolves against the document. Response, header and media-type objects (not schemas) are
// followed through their local $refs here, keeping the JSON pointer of where they really are.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import process from "node:process";

const require = createRequire(import.meta.url);
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const DOC_ID = "https://authd.invalid/openapi.json";
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

function usage(message) {
    if (message) {
        console.error(`validate-responses: ${message}`);
    }
    console.error("usage: validate-responses.mjs [--skip-prefix=P1,P2] [--coverage] DOC LOG");
    process.exit(2);
}

// ---- arguments ----
const positional = [];
const skipPrefixes = [];
let showCoverage = false;
for (const arg of process.argv.slice(2)) {
    if (arg.startsWith("--skip-prefix=")) {
        skipPrefixes.push(...arg.slice("--skip-prefix=".length).split(",").filter(Boolean));
    } else if (arg === "--coverage") {
        showCoverage = true;
    } else if (arg.startsWith("--")) {
        usage(`unknown option ${arg}`);
    } else {
        positional.push(arg);
    }
}
if (positional.length !== 2) {
    usage();
}
const [docPath, logPath] = positional;

let doc;
let logText;
try {
    doc = JSON.parse(readFileSync(docPath, "utf8"));
} catch (e) {
    usage(`cannot read the OpenAPI document ${docPath}: ${e.message}`);
}
try {
    logText = readFileSync(logPath, "utf8");
} catch (e) {
    usage(`cannot read the response log ${logPath}: ${e.message}`);
}
if (typeof doc.openapi !== "string" || !doc.openapi.startsWith("3.1.")) {
    usage(`${docPath} is not an OpenAPI 3.1 document`);
}

// ---- JSON pointers and local $refs ----
const escapePointer = (s) => String(s).replaceAll("~", "~0").replaceAll("/", "~1");
const pointerOf = (parts) => (parts.length ? "/" + parts.map(escapePointer).join("/") : "");

function atPointer(pointer) {
    let node = doc;
    for (const raw of pointer.split("/").slice(1)) {
        const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
        if (node === null || typeof node !== "object" || !(key in node)) {
            throw new Error(`unresolvable pointer #${pointer}`);
        }
        node = node[key];
    }
    return node;
}

// Follows an object's local $ref chain: {node, pointer} of the object that holds the content.
function follow(node, pointer) {
    const seen = new Set();
    while (node && typeof node === "object" && typeof node.$ref === "string") {
        if (!node.$ref.startsWith("#")) {
            throw new Error(`only local $refs are supported, got ${node.$ref} at #${pointer}`);
        }
        if (seen.has(node.$ref)) {
            throw new Error(`$ref cycle at ${node.$ref}`);
        }
        seen.add(node.$ref);
        pointer = node.$ref.slice(1);
        node = atPointer(pointer);
    }
    return { node, pointer };
}

// ---- Ajv ----
const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, validateFormats: true });
addFormats(ajv);
// OpenAPI's own schema keywords (annotations for this purpose).
ajv.addVocabulary(["discriminator", "xml", "externalDocs", "example"]);
// The document is not itself a schema: add it unvalidated, only as a base for the refs. Its
// top-level members ("openapi", "paths", ...) are made known keywords without meaning, so that
// strict mode accepts the root while it still checks every schema that is compiled.
ajv.addVocabulary(Object.keys(doc).filter((k) => !ajv.getKeyword(k)));
ajv.addSchema(doc, DOC_ID, undefined, false);

const compiled = new Map();
function validatorAt(pointer) {
    let v = compiled.get(pointer);
    if (!v) {
        v = ajv.compile({ $ref: `${DOC_ID}#${pointer}` });
        compiled.set(pointer, v);
    }
    return v;
}

function describeErrors(errors) {
    return (errors || [])
        .map((e) => {
            const where = e.instancePath || "(root)";
            const extra =
                e.keyword === "additionalProperties"
                    ? ` (${e.params.additionalProperty})`
                    : e.keyword === "enum" || e.keyword === "const"
                      ? ` (${JSON.stringify(e.params.allowedValues ?? e.params.allowedValue)})`
                      : "";
            return `${where} ${e.message}${extra}`;
        })
        .join("; ");
}

// ---- paths ----
const templates = Object.keys(doc.paths || {}).map((template) => {
    const segments = template.split("/").slice(1);
    return {
        template,
        segments,
        literals: segments.filter((s) => !/^\{[^}]+\}$/.test(s)).length,
    };
});
// Literal segments win over parameters ("/docs" over "/{x}"), as they would in any router.
templates.sort((a, b) => b.literals - a.literals);

function matchTemplate(path) {
    const segments = path.split("/").slice(1);
    for (const t of templates) {
        if (t.segments.length !== segments.length) {
            continue;
        }
        const ok = t.segments.every((pattern, i) =>
            /^\{[^}]+\}$/.test(pattern) ? segments[i].length > 0 : pattern === segments[i],
        );
        if (ok) {
            return t.template;
        }
    }
    return null;
}

// ---- media types ----
function parseMediaType(text) {
    const [base, ...params] = String(text).split(";");
    const parameters = new Map();
    for (const p of params) {
        const eq = p.indexOf("=");
        if (eq > 0) {
            parameters.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim().replace(/^"|"$/g, ""));
        }
    }
    return { base: base.trim().toLowerCase(), parameters };
}

// The documented media type key that the response's Content-Type satisfies: the same type, and
// every parameter the key names with the same value (the response may add others, e.g. charset).
function matchMediaType(content, contentType) {
    const actual = parseMediaType(contentType);
    for (const key of Object.keys(content)) {
        const wanted = parseMediaType(key);
        const sameBase =
            wanted.base === actual.base ||
            wanted.base === "*/*" ||
            (wanted.base.endsWith("/*") && actual.base.startsWith(wanted.base.slice(0, -1)));
        if (sameBase && [...wanted.parameters].every(([k, v]) => actual.parameters.get(k) === v)) {
            return key;
        }
    }
    return null;
}

const isJsonMediaType = (key) => {
    const { base } = parseMediaType(key);
    return base === "application/json" || base.endsWith("+json");
};

// ---- checking one response ----
const unmatched = doc["x-authd-unmatched-responses"] || {};
const unmatchedPointer = "/x-authd-unmatched-responses";
const exercised = new Set();

// {response, pointer, key} for (method, target, status), or {problem}.
function findResponse(method, target, status) {
    const code = String(status);
    const lookup = (responses, basePointer, allowed) => {
        if (allowed && !allowed.includes(code)) {
            return null;
        }
        for (const key of [code, `${code[0]}XX`, "default"]) {
            if (responses && key in responses) {
                const { node, pointer } = follow(responses[key], `${basePointer}/${escapePointer(key)}`);
                return { response: node, pointer, key };
            }
        }
        return null;
    };
    if (!target.startsWith("/")) {
        // Not origin-form (e.g. "http://host/path"): no operation can match it.
        const found = lookup(unmatched, unmatchedPointer, ["400"]);
        return found ?? { problem: `status ${code} is not documented for a target that is not a path` };
    }
    const path = target.split(/[?#]/, 1)[0];
    const template = matchTemplate(path);
    if (template === null) {
        const found = lookup(unmatched, unmatchedPointer, ["400", "404", "413", "431"]);
        return found ?? { problem: `no path template matches ${path}, and ${code} is not an answer to an unknown path` };
    }
    const item = doc.paths[template];
    // HEAD is GET without the body: a path's GET documents its HEAD (as OpenAPI generators assume).
    const documentedAs = method.toLowerCase() === "head" && !item.head ? "get" : method.toLowerCase();
    const op = item[documentedAs];
    if (!op) {
        const found = lookup(unmatched, unmatchedPointer, ["400", "405", "413", "431"]);
        if (!found) {
            return {
                problem: `${method} is not documented for ${template}, and ${code} is not an answer to an undocumented method`,
            };
        }
        // A 405's Allow must name exactly the documented methods of the path.
        found.allow = METHODS.filter((m) => m in item || (m === "head" && "get" in item)).map((m) => m.toUpperCase());
        return found;
    }
    const basePointer = pointerOf(["paths", template, documentedAs, "responses"]);
    const found = lookup(op.responses, basePointer);
    if (!found) {
        return { problem: `status ${code} is not documented for ${method} ${template}` };
    }
    exercised.add(`${method.toUpperCase()} ${template} ${found.key}`);
    return found;
}

function checkHeaders(response, pointer, headers, problems) {
    const documented = response.headers || {};
    for (const [name, raw] of Object.entries(documented)) {
        if (name.toLowerCase() === "content-type") {
            continue; // OpenAPI: ignored in a response's headers
        }
        const { node: header, pointer: headerPointer } = follow(raw, `${pointer}/headers/${escapePointer(name)}`);
        const values = headers[name.toLowerCase()] || [];
        if (values.length === 0) {
            if (header.required) {
                problems.push(`required header ${name} is missing`);
            }
            continue;
        }
        if (!header.schema) {
            continue;
        }
        const { node: schema } = follow(header.schema, `${headerPointer}/schema`);
        const validate = validatorAt(`${headerPointer}/schema`);
        const wantsNumber = ["integer", "number"].includes(schema.type);
        for (const value of values) {
            // A header value is text; a numeric schema (e.g. Retry-After) means its decimal form.
            const instance = wantsNumber && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
            if (!validate(instance)) {
                problems.push(`header ${name}: ${JSON.stringify(value)} ${describeErrors(validate.errors)}`);
            }
        }
    }
}

function checkResponse(entry) {
    const problems = [];
    const found = findResponse(entry.method, entry.target, entry.status);
    if (found.problem) {
        return { problems: [found.problem], json: false };
    }
    const { response, pointer } = found;
    const content = response.content || {};
    const body = entry.body ?? "";
    const contentType = entry.content_type ?? "";
    let json = false;
    if (String(entry.method).toUpperCase() === "HEAD") {
        // The fields of the body the GET would carry, and no body.
        if (body.length > 0) {
            problems.push(`a body of ${body.length} bytes in an answer to HEAD`);
        }
        if (contentType && Object.keys(content).length > 0 && matchMediaType(content, contentType) === null) {
            problems.push(`Content-Type ${contentType} is not documented (${Object.keys(content).join(", ")})`);
        }
    } else if (body.length === 0 && !contentType) {
        if (Object.keys(content).length > 0) {
            problems.push(`an empty body, but ${Object.keys(content).join(", ")} is documented`);
        }
    } else if (Object.keys(content).length === 0) {
        problems.push(`a body (${contentType || "no Content-Type"}), but none is documented`);
    } else if (!contentType) {
        problems.push("a body without Content-Type");
    } else {
        const key = matchMediaType(content, contentType);
        if (key === null) {
            problems.push(`Content-Type ${contentType} is not documented (${Object.keys(content).join(", ")})`);
        } else if (isJsonMediaType(key)) {
            json = true;
            let value;
            try {
                value = JSON.parse(body);
            } catch (e) {
                problems.push(`the body is not JSON (${e.message}): ${body.slice(0, 120)}`);
            }
            if (value !== undefined) {
                const mediaPointer = `${pointer}/content/${escapePointer(key)}`;
                if (content[key].schema) {
                    const validate = validatorAt(`${mediaPointer}/schema`);
                    if (!validate(value)) {
                        problems.push(`body does not match #${mediaPointer}/schema: ${describeErrors(validate.errors)}`);
                    }
                }
            }
        }
    }
    if (entry.headers && typeof entry.headers === "object") {
        checkHeaders(response, pointer, entry.headers, problems);
        const allow = entry.headers.allow;
        if (found.allow && found.key === "405" && allow) {
            const sent = allow.join(",").split(",").map((m) => m.trim().toUpperCase()).filter(Boolean);
            if (sent.sort().join(", ") !== [...found.allow].sort().join(", ")) {
                problems.push(`Allow: ${allow.join(", ")}, but the documented methods are ${found.allow.join(", ")}`);
            }
        }
    }
    return { problems, json };
}

// ---- main ----
let total = 0;
let jsonChecked = 0;
let skipped = 0;
let failures = 0;
const lines = logText.split("\n");
lines.forEach((line, index) => {
    if (line.trim() === "") {
        return;
    }
    const where = `${logPath}:${index + 1}`;
    let entry;
    try {
        entry = JSON.parse(line);
    } catch (e) {
        console.log(`${where}: not a JSON line (${e.message})`);
        failures++;
        return;
    }
    if (typeof entry.method !== "string" || typeof entry.target !== "string" || !Number.isInteger(entry.status)) {
        console.log(`${where}: needs "method", "target" and an integer "status"`);
        failures++;
        return;
    }
    const path = entry.target.split(/[?#]/, 1)[0];
    // "/ui" skips /ui and everything under /ui/; "/docs/" skips everything under /docs/ but not /docs.
    const skip = (p) => (p.endsWith("/") ? path.startsWith(p) : path === p || path.startsWith(`${p}/`));
    if (skipPrefixes.some(skip)) {
        skipped++;
        return;
    }
    total++;
    let result;
    try {
        result = checkResponse(entry);
    } catch (e) {
        result = { problems: [`cannot check: ${e.message}`], json: false };
    }
    if (result.json) {
        jsonChecked++;
    }
    if (result.problems.length > 0) {
        failures++;
        console.log(`${where}: ${entry.method} ${entry.target} -> ${entry.status}`);
        for (const p of result.problems) {
            console.log(`    ${p}`);
        }
        if (entry.body) {
            console.log(`    body: ${String(entry.body).slice(0, 300)}`);
        }
    }
});

if (showCoverage) {
    const missing = [];
    for (const [template, item] of Object.entries(doc.paths || {})) {
        for (const method of METHODS) {
            for (const status of Object.keys(item[method]?.responses || {})) {
                const id = `${method.toUpperCase()} ${template} ${status}`;
                if (!exercised.has(id)) {
                    missing.push(id);
                }
            }
        }
    }
    console.log(`documented responses never seen in the log (${missing.length}):`);
    for (const m of missing) {
        console.log(`    ${m}`);
    }
}

console.log(
    `validated ${total} responses (${jsonChecked} JSON bodies against their schemas, ${exercised.size} distinct ` +
        `documented operation responses), ${failures} mismatches` +
        (skipped ? `, ${skipped} skipped (${skipPrefixes.join(", ")})` : ""),
);
if (total === 0 && failures === 0) {
    console.error(`validate-responses: ${logPath} holds no responses: did the tests log any (AUTHD_RESPONSE_LOG)?`);
    process.exit(1);
}
process.exit(failures > 0 ? 1 : 0);
