/*
 * vajra.h: the C interface of libvajra, the Vajra search engine as a shared library.
 *
 * Build: go build -buildmode=c-shared -o libvajra.so ./libvajra   (in bindings/python)
 *
 * Conventions
 * - Every function returns NULL on success, or a vajra_error the caller frees with
 *   vajra_error_free. Its code is stable ("invalid_field", "dimension_mismatch",
 *   "document_not_found", "closed", ...: the codes of the HTTP API); its message is for people.
 * - Objects are reached through handles: nonzero integers that never point into memory. A
 *   handle used after its close (or one never issued) gives the error "closed", not a crash.
 *   Handles may be used from several threads at once.
 * - Strings are passed as pointer + length (UTF-8, not NUL-terminated). Vectors are passed as
 *   raw float32 rows (count x dim), never as text; the library reads them during the call
 *   only and keeps no pointer to caller memory.
 * - Output strings (JSON) are allocated with malloc; free them with vajra_free.
 * - Search results of vector indexes are written into caller-provided arrays.
 */
#ifndef VAJRA_H
#define VAJRA_H

#include <stddef.h>
#include <stdint.h>

typedef struct vajra_error {
	char *code;
	char *message;
} vajra_error;

typedef uint64_t vajra_handle;

void vajra_free(void *p);
void vajra_error_free(vajra_error *e);
/* The library version and the distance kernels in use, as JSON. */
vajra_error *vajra_version(char **out, size_t *out_len);

/*
 * Collections: documents searchable three ways (lexical, vector, hybrid).
 * create: path_len 0 makes an in-memory collection. options is JSON:
 *   {"embedder": {"kind", "model", "url", "dim", "api_key", "model_dir"}, "vector": {"profile", "metric",
 *    "m", "ef_construction", "ef_search", "seed"}, "k1", "b", "title_weight", "threads", "sync"}
 * open: options {"threads", "sync", "embed_url", "embed_api_key", "embedder", "embed_model",
 * "embed_model_dir"}.
 */
vajra_error *vajra_collection_create(char *path, size_t path_len, char *options, size_t options_len, vajra_handle *out);
vajra_error *vajra_collection_open(char *path, size_t path_len, char *options, size_t options_len, vajra_handle *out);
vajra_error *vajra_collection_close(vajra_handle h);
/*
 * upsert: docs is a JSON array of {"id", "title", "content", "metadata"}; vectors holds count
 * rows of dim float32 (count is 0, or the number of documents: row i belongs to document i).
 * out receives {"upserted", "added", "replaced", "duplicates"}. All or nothing: on error nothing changed.
 */
vajra_error *vajra_collection_upsert(vajra_handle h, char *docs, size_t docs_len, float *vectors, size_t count, size_t dim, char **out, size_t *out_len);
/* delete: ids is a JSON array of strings; out receives {"deleted", "missing"}. */
vajra_error *vajra_collection_delete(vajra_handle h, char *ids, size_t ids_len, char **out, size_t *out_len);
/* get: out receives the document as JSON; vector (malloc'd, dim floats) its vector, or NULL. */
vajra_error *vajra_collection_get(vajra_handle h, char *id, size_t id_len, char **out, size_t *out_len, float **vector, size_t *dim);
/*
 * search: request is the HTTP API's search request ({"query", "mode", "limit", "offset",
 * "filter", "fusion": {"method", "lexical_weight", "rrf_k", "depth"}, "ef", "explain",
 * "highlight"}), parsed by the HTTP API's own parser; a query vector passed raw (dim > 0)
 * replaces any "vector" in the JSON. out receives the results JSON ({"hits", "mode",
 * "terms", "took_ms", "total_candidates"}).
 */
vajra_error *vajra_collection_search(vajra_handle h, char *request, size_t request_len, float *vector, size_t dim, char **out, size_t *out_len);
/* explain: the explanation of document id's score for the request, as JSON. */
vajra_error *vajra_collection_explain(vajra_handle h, char *request, size_t request_len, float *vector, size_t dim, char *id, size_t id_len, char **out, size_t *out_len);
/* stats: the HTTP API's collection stats ({"documents", "dimension", "modes", "embedder",
 * "terms", "vectors", "metric", "profile", ...}) plus in-process details. */
vajra_error *vajra_collection_stats(vajra_handle h, char **out, size_t *out_len);
/* ids: the ids of the live documents, as a JSON array. */
vajra_error *vajra_collection_ids(vajra_handle h, char **out, size_t *out_len);
vajra_error *vajra_collection_flush(vajra_handle h);
/* embed: the collection's embedding of texts (a JSON array of strings): *count rows of *dim
 * float32 in a malloc'd array, as documents and queries get them. */
vajra_error *vajra_collection_embed(vajra_handle h, char *texts, size_t texts_len, float **out, size_t *count, size_t *dim);
/* promote: rebuild the vector index with another profile while the collection serves. */
vajra_error *vajra_collection_promote(vajra_handle h, char *profile, size_t profile_len);
/* check: verify a closed collection's files; out receives {"ok", "problems", "docs", ...}. */
vajra_error *vajra_check(char *path, size_t path_len, char **out, size_t *out_len);

/*
 * Standalone vector indexes over uint32 keys. options is JSON: {"dim", "metric", "profile"
 * ("quality", "fast", "instant", or "exact" for a flat index), "m", "ef_construction",
 * "ef_search", "seed", "threads"}.
 */
vajra_error *vajra_index_create(char *options, size_t options_len, vajra_handle *out);
vajra_error *vajra_index_load(char *path, size_t path_len, vajra_handle *out);
vajra_error *vajra_index_close(vajra_handle h);
/* add: count keys with count rows of dim float32; a key already present is replaced. */
vajra_error *vajra_index_add(vajra_handle h, uint32_t *keys, float *vectors, size_t count, size_t dim);
vajra_error *vajra_index_delete(vajra_handle h, uint32_t *keys, size_t count, size_t *deleted);
/*
 * search: the k nearest keys to query (dim floats), nearest first, written to keys and
 * distances (k entries each; found tells how many are filled, the rest get key -1 and
 * distance +inf). ef 0 means the index default.
 */
vajra_error *vajra_index_search(vajra_handle h, float *query, size_t dim, size_t k, int64_t ef, int64_t *keys, float *distances, size_t *found);
/* search_batch: count queries (rows of dim) on threads threads (0: all CPUs); keys and
 * distances hold count x k entries, found count entries. */
vajra_error *vajra_index_search_batch(vajra_handle h, float *queries, size_t count, size_t dim, size_t k, int64_t ef, int64_t threads, int64_t *keys, float *distances, size_t *found);
/* get: copy key's stored vector into vector (dim floats); found is 0 when key is absent. */
vajra_error *vajra_index_get(vajra_handle h, uint32_t key, float *vector, size_t dim, int32_t *found);
vajra_error *vajra_index_save(vajra_handle h, char *path, size_t path_len);
vajra_error *vajra_index_stats(vajra_handle h, char **out, size_t *out_len);
vajra_error *vajra_index_promote(vajra_handle h, char *profile, size_t profile_len);

#endif
