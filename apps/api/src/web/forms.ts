/**
 * Forms that post to the JSON API. The markup is plain HTML with labels, hints and an empty error
 * paragraph per field; web/assets/app.js serialises the form to the API's JSON (`data-type` says how a
 * value is typed), sends it with an Idempotency-Key, and shows the server's problem answer beside the
 * fields (`data-field` names the API field a wrapper belongs to).
 */
import { html, join, type RawHtml } from './html';

/**
 * How app.js types a value: `text` as it is; `int` a whole number; `kronor` typed as kronor
 * ("1 250 000,50") and sent as integer öre; `bool` a checkbox's checked state; `json-list` the checked
 * boxes' JSON values as a list.
 */
export type DataType = 'text' | 'int' | 'kronor' | 'bool' | 'json-list';

export interface Option {
  readonly value: string;
  readonly label: string;
}

interface FieldBase {
  /** The API field (dots for nested ones: `coFinancing.0.amountOre`). */
  readonly name: string;
  readonly label: string;
  readonly hint?: string;
  readonly required?: boolean;
  readonly value?: string;
}

export type Field =
  | (FieldBase & { readonly kind: 'text'; readonly dataType?: 'text' | 'int' | 'kronor'; readonly inputMode?: 'numeric' | 'decimal'; readonly autocomplete?: string })
  | (FieldBase & { readonly kind: 'date' })
  | (FieldBase & { readonly kind: 'textarea' })
  | (FieldBase & { readonly kind: 'select'; readonly options: readonly Option[]; readonly dataType?: 'text' | 'int' })
  | (FieldBase & { readonly kind: 'radio'; readonly options: readonly Option[] })
  | (FieldBase & { readonly kind: 'checkbox' })
  | (FieldBase & { readonly kind: 'checkboxes'; readonly options: readonly Option[] })
  /** Sent as it is, not shown (e.g. the clerk's own party, the initiative a payment is for). */
  | { readonly kind: 'hidden'; readonly name: string; readonly value: string }
  /** Shown as text, sent as `value`. */
  | (FieldBase & { readonly kind: 'fixed'; readonly value: string; readonly shown: string })
  /** A file, sent as the whole body of an `upload` form (the evidence PDF); `accept` as in HTML. */
  | (FieldBase & { readonly kind: 'file'; readonly accept: string });

export interface ApiFormOptions {
  /** A unique id on the page; field ids derive from it. */
  readonly id: string;
  readonly heading: string;
  readonly intro?: RawHtml | string;
  /** The API path; `{name}` is filled in from the field `name`, which is then not sent in the body. */
  readonly api: string;
  readonly method?: 'POST' | 'PUT';
  /** Send the form's one file field as the raw body (Content-Type application/pdf) instead of JSON. */
  readonly upload?: boolean;
  /** Where to go after success (default: this page again). */
  readonly redirect?: string;
  readonly submit: string;
  readonly fields: readonly Field[];
  /** Send no body at all (e.g. closing a year). */
  readonly noBody?: boolean;
}

/** `coFinancing.0.amountOre` → `coFinancing-0-amountOre`, for ids. */
const idPart = (name: string): string => name.replace(/[^A-Za-z0-9_-]/g, '-');

const requiredMark = (required: boolean | undefined): RawHtml =>
  required ? html` <span class="kravs">(obligatoriskt)</span>` : html``;

const fieldHtml = (formId: string, f: Field, pathParams: ReadonlySet<string>): RawHtml => {
  if (f.kind === 'hidden') return html`<input type="hidden" name="${f.name}" value="${f.value}">`;
  const id = `${formId}-${idPart(f.name)}`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-fel`;
  const describedBy = f.hint ? hintId : undefined;
  const hint = f.hint ? html`<p class="hjalp" id="${hintId}">${f.hint}</p>` : html``;
  const error = html`<p class="fel" id="${errorId}" hidden></p>`;
  const pathAttr = pathParams.has(f.name) ? html` data-path` : html``;
  const common = html`name="${f.name}" id="${id}"${describedBy ? html` aria-describedby="${describedBy}"` : ''}${f.required ? html` required aria-required="true"` : ''}${pathAttr}`;
  const wrap = (inner: RawHtml, group = false): RawHtml =>
    html`<div class="falt${group ? ' grupp' : ''}" data-field="${f.name}" data-error-id="${errorId}">${inner}</div>`;
  switch (f.kind) {
    case 'text':
      return wrap(
        html`<label for="${id}">${f.label}${requiredMark(f.required)}</label>${hint}${error}<input type="text" ${common}${f.dataType && f.dataType !== 'text' ? html` data-type="${f.dataType}"` : ''}${f.inputMode ? html` inputmode="${f.inputMode}"` : ''} autocomplete="${f.autocomplete ?? 'off'}" value="${f.value ?? ''}">`,
      );
    case 'date':
      return wrap(
        html`<label for="${id}">${f.label}${requiredMark(f.required)}</label>${hint}${error}<input type="date" ${common} value="${f.value ?? ''}">`,
      );
    case 'textarea':
      return wrap(html`<label for="${id}">${f.label}${requiredMark(f.required)}</label>${hint}${error}<textarea ${common} rows="4">${f.value ?? ''}</textarea>`);
    case 'select':
      return wrap(
        html`<label for="${id}">${f.label}${requiredMark(f.required)}</label>${hint}${error}<select ${common}${f.dataType && f.dataType !== 'text' ? html` data-type="${f.dataType}"` : ''}>${f.options.map(
          (o) => html`<option value="${o.value}"${o.value === f.value ? html` selected` : ''}>${o.label}</option>`,
        )}</select>`,
      );
    case 'radio':
    case 'checkboxes':
      return wrap(
        html`<fieldset${describedBy ? html` aria-describedby="${describedBy}"` : ''}><legend>${f.label}${requiredMark(f.required)}</legend>${hint}${error}${f.options.map((o, i) => {
          const optionId = `${id}-${i}`;
          return html`<div class="val"><input type="${f.kind === 'radio' ? 'radio' : 'checkbox'}" name="${f.name}" id="${optionId}" value="${o.value}"${f.kind === 'checkboxes' ? html` data-type="json-list"` : ''}${o.value === f.value ? html` checked` : ''}><label for="${optionId}">${o.label}</label></div>`;
        })}</fieldset>`,
        true,
      );
    case 'checkbox':
      return wrap(
        html`${error}<div class="val"><input type="checkbox" ${common} data-type="bool"${f.value === 'true' ? html` checked` : ''}><label for="${id}">${f.label}</label></div>${hint}`,
      );
    case 'file':
      return wrap(
        html`<label for="${id}">${f.label}${requiredMark(f.required)}</label>${hint}${error}<input type="file" ${common} accept="${f.accept}" data-type="file">`,
      );
    case 'fixed':
      return wrap(
        html`<p class="fast" id="${id}-visas"><span class="etikett">${f.label}:</span> ${f.shown}</p><input type="hidden" name="${f.name}" value="${f.value}">${error}`,
      );
  }
};

/** The names `{name}` in an API path template. */
const pathParamsOf = (api: string): Set<string> => new Set([...api.matchAll(/\{([A-Za-z0-9_.]+)\}/g)].map((m) => m[1]!));

/**
 * A form that app.js sends to the API. Without JavaScript it does nothing (a note says so): every
 * write endpoint takes JSON only.
 */
export const apiForm = (options: ApiFormOptions): RawHtml => {
  const headingId = `${options.id}-rubrik`;
  const pathParams = pathParamsOf(options.api);
  return html`<section class="formular" aria-labelledby="${headingId}">
<h3 id="${headingId}">${options.heading}</h3>
${options.intro ? html`<p>${options.intro}</p>` : ''}
<form id="${options.id}" class="api-form" novalidate data-api="${options.api}" data-method="${options.method ?? 'POST'}"${options.upload ? html` data-upload` : ''}${options.redirect ? html` data-redirect="${options.redirect}"` : ''}${options.noBody ? html` data-no-body` : ''}>
<div class="felsammanfattning" id="${options.id}-sammanfattning" role="alert" tabindex="-1" hidden></div>
${join(options.fields.map((f) => fieldHtml(options.id, f, pathParams)))}
<div class="knappar"><button type="submit" class="knapp">${options.submit}</button></div>
<noscript><p class="hjalp">Formuläret kräver JavaScript.</p></noscript>
</form>
</section>`;
};

// ---------------------------------------------------------------------------------------------
// Options used by several forms
// ---------------------------------------------------------------------------------------------

export const OUTCOME_OPTIONS: readonly Option[] = [
  { value: 'approved', label: 'Bifall (godkänt)' },
  { value: 'rejected', label: 'Avslag' },
];
