import type { EmailContent } from './email-content.js';

/**
 * HTML for common mail clients (Outlook, Gmail, Apple Mail): a table layout, inline styles only,
 * no images, fonts or style sheets to fetch.
 */
export function renderHtml(content: EmailContent): string {
  const p = (text: string, style = '') =>
    `<p style="margin:0 0 16px 0;${style}">${escapeHtml(text).replace(/\n/g, '<br>')}</p>`;
  const rows = content.details
    .map(
      ({ label, value }) =>
        `<tr><td style="padding:4px 12px 4px 0;color:#555555;vertical-align:top;white-space:nowrap">${escapeHtml(label)}</td>` +
        `<td style="padding:4px 0;vertical-align:top;font-weight:bold">${escapeHtml(value)}</td></tr>`,
    )
    .join('');
  const action = content.action
    ? `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:8px 0 24px 0"><tr>` +
      `<td style="background:#1f5fa8;border-radius:4px">` +
      `<a href="${escapeHtml(content.action.url)}" style="display:inline-block;padding:12px 24px;color:#ffffff;text-decoration:none;font-weight:bold">${escapeHtml(content.action.label)}</a>` +
      `</td></tr></table>` +
      p(content.action.url, 'font-size:12px;color:#555555;word-break:break-all')
    : '';
  const banner = content.banner
    ? `<tr><td style="padding:12px 24px;background:#fff4ce;border-bottom:1px solid #e0c96b">${escapeHtml(content.banner)}</td></tr>`
    : '';
  return [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(content.language)}"><head><meta charset="utf-8">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(content.subject)}</title></head>`,
    '<body style="margin:0;padding:0;background:#f2f4f7">',
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f2f4f7"><tr><td align="center" style="padding:24px 8px">',
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border:1px solid #d9dde3;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1a1a1a">',
    banner,
    '<tr><td style="padding:24px">',
    p(content.greeting),
    ...content.paragraphs.map((text) => p(text)),
    `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:0 0 20px 0">${rows}</table>`,
    action,
    ...content.notes.map((text) => p(text)),
    ...(content.secondaryAction
      ? [
          `<p style="margin:0 0 16px 0;font-size:13px"><a href="${escapeHtml(content.secondaryAction.url)}" style="color:#1f5fa8">${escapeHtml(content.secondaryAction.label)}</a></p>`,
        ]
      : []),
    p(content.signature.join('\n')),
    '</td></tr>',
    `<tr><td style="padding:16px 24px;border-top:1px solid #d9dde3;font-size:12px;color:#555555">${content.footer.map(escapeHtml).join('<br>')}</td></tr>`,
    '</table></td></tr></table></body></html>',
  ].join('\n');
}

/** The same content as plain text, for clients that show no HTML and for screen readers. */
export function renderText(content: EmailContent): string {
  const width = Math.max(...content.details.map((d) => d.label.length));
  const blocks = [
    ...(content.banner ? [content.banner] : []),
    content.greeting,
    ...content.paragraphs,
    content.details.map(({ label, value }) => `${`${label}:`.padEnd(width + 2)}${value}`).join('\n'),
    ...(content.action ? [`${content.action.label}:\n${content.action.url}`] : []),
    ...content.notes,
    ...(content.secondaryAction ? [`${content.secondaryAction.label}:\n${content.secondaryAction.url}`] : []),
    content.signature.join('\n'),
    `-- \n${content.footer.join('\n')}`,
  ];
  return `${blocks.join('\n\n')}\n`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
