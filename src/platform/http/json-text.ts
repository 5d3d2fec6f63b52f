import { Header } from '@nestjs/common';

/** A response body already serialised as JSON (e.g. stored JSON passed through without parsing). */
export type JsonText = string & { readonly jsonText: unique symbol };

export const asJsonText = (text: string) => text as JsonText;

/** The handler returns JsonText: Fastify sends a string with a JSON content type as it is. */
export const SendsJsonText = () => Header('Content-Type', 'application/json; charset=utf-8');
