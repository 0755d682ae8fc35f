package web

import (
	"net/http"
	"regexp"
	"strings"
)

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// openAPI describes the JSON API from the registered routes themselves, so the description
// cannot drift from what the server does.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	errorResponse := map[string]any{"description": "error", "content": map[string]any{"application/json": map[string]any{
		"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
	paths := map[string]map[string]any{}
	for _, rt := range s.routes {
		if !rt.API {
			continue
		}
		p := strings.TrimPrefix(rt.Path, "/api/v1")
		op := map[string]any{
			"summary":     strings.ToLower(rt.Method) + " " + p,
			"description": "Access: " + rt.Access.String() + ".",
			"responses": map[string]any{
				"200": map[string]any{"description": "success", "content": map[string]any{"application/json": map[string]any{}}},
				"4XX": errorResponse,
			},
		}
		var params []map[string]any
		for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		if rt.Method == http.MethodPost {
			params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header", "required": false,
				"description": "a retried request with the same key returns the first response instead of acting twice",
				"schema":      map[string]any{"type": "string"}})
			op["requestBody"] = map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}}
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.Access.IsPublic() {
			op["security"] = []any{}
		}
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(rt.Method)] = op
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "xiangpei (湘培直通车) API", "version": "1",
			"description": "Every screen's action is available here. Authenticate with a Bearer API token (xiangpei token create) or a browser session plus an X-CSRF-Token header. Errors are {\"error\":{\"kind\",\"message\"}}."},
		"servers": []any{map[string]any{"url": "/api/v1"}},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie},
			},
			"schemas": map[string]any{"Error": map[string]any{"type": "object", "properties": map[string]any{
				"error": map[string]any{"type": "object", "properties": map[string]any{
					"kind":    map[string]any{"type": "string", "enum": []string{"invalid", "not_found", "conflict", "forbidden", "unauthorized", "too_large", "rate_limited", "internal"}},
					"message": map[string]any{"type": "string"}}}}}},
		},
		"security": []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}},
	})
}
