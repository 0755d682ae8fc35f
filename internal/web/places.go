package web

import (
	"net/http"

	"xiangpei/internal/store"
)

// places is the reference data's regions as pages show and offer them.
type places struct {
	Regions  []store.Region    // every region, by code
	Names    map[string]string // code → full name, a county with its city ("株洲市天元区")
	Counties []store.Region    // the counties, for select lists
}

// places reads the regions once for a page. A failure leaves the codes to show themselves.
func (s *Server) places(r *http.Request) places {
	p := places{Names: map[string]string{}}
	regions, err := s.db.ListRegions(r.Context())
	if err != nil {
		s.log.ErrorContext(r.Context(), "regions not read", "err", err.Error())
		return p
	}
	plain := make(map[string]string, len(regions))
	for _, reg := range regions {
		plain[reg.Code] = reg.Name
	}
	p.Regions = regions
	for _, reg := range regions {
		name := reg.Name
		if reg.Level == "county" {
			name = plain[reg.Parent] + reg.Name
			p.Counties = append(p.Counties, reg)
		}
		p.Names[reg.Code] = name
	}
	return p
}

// name is a region's full name, or its code when the reference data lacks it.
func (p places) name(code string) string {
	if n, ok := p.Names[code]; ok {
		return n
	}
	return code
}

// levelNames names the skill levels in the request's language, for every page that shows a
// level by its code. A failure leaves the codes to show themselves.
func (s *Server) levelNames(r *http.Request) map[string]string {
	out := map[string]string{}
	levels, err := s.db.ListSkillLevels(r.Context())
	if err != nil {
		return out
	}
	en := regEnglish(r)
	for _, l := range levels {
		out[l.Code] = l.NameZh
		if en && l.NameEn != "" {
			out[l.Code] = l.NameEn
		}
	}
	return out
}
