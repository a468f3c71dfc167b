/** What the buttons of long lists carry: the page to show and the search it answers. */
import { z } from 'zod';
import { SEARCH_MAX } from '../cards/views.js';

/** A 1-based page number as card data carries it ("2"); missing is the first page. */
export const pageNumber = z.preprocess((v) => (v === undefined || v === null || v === '' ? '1' : v), z.string().regex(/^\d{1,4}$/)).transform(Number);

/** The search text (typed in the search box, or carried by a page button): cut to SEARCH_MAX, missing is none. */
export const searchText = z.preprocess((v) => (v === undefined || v === null ? '' : v), z.string()).transform((v) => v.trim().slice(0, SEARCH_MAX));

export const ListPayload = z.object({ page: pageNumber, query: searchText });
