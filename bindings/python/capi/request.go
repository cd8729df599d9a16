package capi

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"math"

	"github.com/vajrasearch/vajra"
	"github.com/vajrasearch/vajra/vajrahttp"
)

// maxLimit bounds the hits one search returns, as the HTTP API does.
const maxLimit = vajrahttp.MaxLimit

// parseSearchRequest decodes a search request with the HTTP API's own parser, so that both
// doors accept and refuse the same requests. vec, when non-nil, is a query vector passed
// beside the JSON as raw float32; it replaces any "vector" member of the JSON.
func parseSearchRequest(data []byte, vec []float32) (vajra.Query, error) {
	if vec != nil {
		for i, x := range vec {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return vajra.Query{}, failf(codeInvalidField, "field \"vector\": value %d is %v", i, x)
			}
		}
		data = withVector(data, vec)
	}
	r, err := vajrahttp.ParseSearchRequest(data)
	if err != nil {
		return vajra.Query{}, err
	}
	return r.VajraQuery(), nil
}

// withVector appends "vector" (base64 of little-endian float32, a form the request accepts)
// as the object's last member, which the parser takes over an earlier one. Input that is not
// an object is returned as it is, for the parser to report.
func withVector(data []byte, vec []float32) []byte {
	body := bytes.TrimRight(data, " \t\r\n")
	if len(body) == 0 || body[len(body)-1] != '}' {
		return data
	}
	raw := make([]byte, 4*len(vec))
	for i, x := range vec {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(x))
	}
	out := make([]byte, 0, len(body)+base64.StdEncoding.EncodedLen(len(raw))+16)
	out = append(out, body[:len(body)-1]...)
	if inner := bytes.TrimSpace(bytes.TrimLeft(body[:len(body)-1], " \t\r\n")); len(inner) > 1 {
		out = append(out, ',')
	}
	out = append(out, `"vector":"`...)
	out = base64.StdEncoding.AppendEncode(out, raw)
	return append(out, `"}`...)
}
