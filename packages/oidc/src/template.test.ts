import { describe, expect, it } from 'vitest';
import { TemplateError, compileTemplate } from './template.js';

const run = (source: string, data: Record<string, string>) => compileTemplate(source).execute(data);

describe('compileTemplate (Go text/template subset)', () => {
  it('substitutes fields and keeps literal text', () => {
    expect(run('{{ .url }}/{{ .repository }}', { url: 'https://github.com', repository: 'o/r' })).toBe('https://github.com/o/r');
    expect(run('{{.platform_url}}/build/{{ .workflow_id }}', { platform_url: 'https://g', workflow_id: 'w1' })).toBe('https://g/build/w1');
    expect(run('no actions & <html>', {})).toBe('no actions & <html>');
  });

  it('fails on a missing key (missingkey=error)', () => {
    expect(() => run('{{ .url }}/{{ .nope }}', { url: 'u' })).toThrow('map has no entry for key "nope"');
  });

  it('runs the GitLab ref template from fulcio config/identity/config.yaml', () => {
    const t = compileTemplate('refs/{{if eq .ref_type "branch"}}heads/{{ else }}tags/{{end}}{{ .ref }}');
    expect(t.execute({ ref_type: 'branch', ref: 'main' })).toBe('refs/heads/main');
    expect(t.execute({ ref_type: 'tag', ref: 'v1' })).toBe('refs/tags/v1');
    expect(() => t.execute({ ref: 'v1' })).toThrow(TemplateError);
  });

  it('runs the CircleCI index templates, where index of a missing key is empty', () => {
    const data = { api_url: 'https://circleci.com/api/v2', 'oidc.circleci.com/project-id': 'p1', 'oidc.circleci.com/pipeline-definition-id': 'd1' };
    expect(run('{{.api_url}}/projects/{{(index . "oidc.circleci.com/project-id")}}/pipeline-definitions/{{(index . "oidc.circleci.com/pipeline-definition-id")}}', data))
      .toBe('https://circleci.com/api/v2/projects/p1/pipeline-definitions/d1');
    const rerun = '{{if eq (index . "oidc.circleci.com/ssh-rerun") "true"}}ssh-rerun{{ else }}""{{end}}';
    expect(run(rerun, {})).toBe('""');
    expect(run(rerun, { 'oidc.circleci.com/ssh-rerun': 'true' })).toBe('ssh-rerun');
  });

  it('supports trim markers, not, ne and raw strings', () => {
    expect(run('a  {{- .x -}}  b', { x: 'X' })).toBe('aXb');
    expect(run('{{ if not .e }}empty{{ end }}', { e: '' })).toBe('empty');
    expect(run('{{ if ne .a `b` }}diff{{ end }}', { a: 'c' })).toBe('diff');
  });

  it('refuses constructs outside the subset at compile time', () => {
    for (const bad of ['{{ printf "%s" .a }}', '{{ .a | html }}', '{{ $x := .a }}', '{{ if .a }}x', '{{ end }}', '{{ .a', '{{ }}']) {
      expect(() => compileTemplate(bad), bad).toThrow(TemplateError);
    }
  });

  it('refuses comparisons of different types', () => {
    expect(() => run('{{ if eq .a true }}x{{ end }}', { a: 'true' })).toThrow('incompatible types');
  });
});
