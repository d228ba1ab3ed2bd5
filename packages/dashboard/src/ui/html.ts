import { h } from 'preact';
import htm from 'htm';

/**
 * Tagged templates for Preact. Every `${value}` in text position becomes a
 * text node, so payloads, errors and type names are never parsed as HTML.
 */
export const html = htm.bind(h);
