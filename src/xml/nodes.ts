import * as parseXmlModule from '@rgrove/parse-xml';

/*
 * The parser's classes, read once. @rgrove/parse-xml is CommonJS; in the bundle every named import
 * becomes a property getter call, and `instanceof XmlElement` runs on every node of every walk.
 */
export const XmlElement = parseXmlModule.XmlElement;
export type XmlElement = parseXmlModule.XmlElement;
export const XmlText = parseXmlModule.XmlText;
export type XmlText = parseXmlModule.XmlText;
export const XmlCdata = parseXmlModule.XmlCdata;
export type XmlCdata = parseXmlModule.XmlCdata;
export const XmlError = parseXmlModule.XmlError;
export type XmlError = parseXmlModule.XmlError;
export const parseXml = parseXmlModule.parseXml;
export type { XmlDocument, XmlNode } from '@rgrove/parse-xml';
