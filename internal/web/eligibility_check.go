package web

import (
	"net/http"
	"strings"

	"xiangpei"
	"xiangpei/internal/store"
)

// 政策咨询 — the eligibility check (/eligibility): which subsidies a person qualifies for now,
// computed by the claims' own rule through store.CheckEligibility. A signed-in person is
// checked from their records (county, age from the ID number, verified key groups, earlier
// subsidies and this year's count) against the occupation and level they ask about and every
// open class of their city; anyone else gives a birth date, a county and key groups, never an
// ID number.

func (s *Server) registerEligibilityRoutes() {
	s.handleBoth("GET /eligibility", "/api/v1/eligibility", Public(), s.eligibility)
}

// eligibilityView is one option as the page shows it.
type eligibilityView struct {
	xiangpei.EligibilityOption
	Amount    string
	LevelName string
	Now       []traceView // the verdicts on the person as they are
	Later     []traceView // the conditions still to meet (attend, complete, certificate, claim)
}

type eligibilityData struct {
	Person     bool // checked from the signed-in person's records
	Asked      bool // a check was made
	BirthDate  string
	County     string
	Groups     []slCheck
	Occupation string
	Level      string
	Levels     []regOption
	Counties   []regOption
	Options    []eligibilityView
	Eligible   int
}

func eligibilityJSON(o xiangpei.EligibilityOption) map[string]any {
	groups := o.KeyGroups
	if groups == nil {
		groups = []string{}
	}
	trace := jsonList(o.Result.Trace, func(t xiangpei.TraceStep) map[string]any {
		return map[string]any{"key": t.Key, "pass": t.Pass, "args": t.Args, "text": t.Text, "condition": xiangpei.IsLaterStep(t.Key)}
	})
	return map[string]any{"occupation_code": o.OccupationCode, "occupation_name": o.OccupationName, "level": o.Level,
		"class_id": o.ClassID, "class_name": o.ClassName, "org_name": o.OrgName, "county": o.County,
		"first_session": adminTime(o.FirstSession), "rule_id": o.RuleID, "rule_region": o.RuleRegion, "rule_version": o.RuleVersion,
		"uplift_pct": o.UpliftPct, "uplift_list_id": o.UpliftListID, "earlier": o.Earlier, "yearly": o.Yearly,
		"key_groups": groups, "amount_fen": o.Result.AmountFen, "amount": xiangpei.FormatFen(o.Result.AmountFen),
		"eligible": o.Eligible, "trace": trace}
}

// eligibility shows the check's form and, once asked, its answer.
func (s *Server) eligibility(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	a := actorOf(r)
	lang := stateOf(r).lang
	d := eligibilityData{BirthDate: strings.TrimSpace(q.Get("birth_date")), County: strings.TrimSpace(q.Get("county")),
		Occupation: strings.TrimSpace(q.Get("occupation")), Level: strings.TrimSpace(q.Get("level"))}
	groups := q["group"]
	ask := store.EligibilityAsk{BirthDate: d.BirthDate, County: d.County, KeyGroups: groups, OpenClasses: true}
	if a.Role == xiangpei.RolePerson && a.PersonID != 0 {
		d.Person, d.Asked, ask.PersonID = true, true, a.PersonID
	} else {
		d.Asked = d.BirthDate != "" || d.County != ""
	}
	if d.Occupation != "" || d.Level != "" {
		ask.Targets = []xiangpei.EligibilityTarget{{OccupationCode: d.Occupation, Level: d.Level}}
	}
	levels, err := s.db.ListSkillLevels(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	levelNames := map[string]string{}
	for _, l := range levels {
		name := l.NameZh
		if regEnglish(r) {
			name = l.NameEn
		}
		levelNames[l.Code] = name
		d.Levels = append(d.Levels, regOption{Value: l.Code, Label: name})
	}
	pl := s.places(r)
	for _, c := range pl.Counties {
		d.Counties = append(d.Counties, regOption{Value: c.Code, Label: pl.name(c.Code)})
	}
	for _, g := range xiangpei.SubsidyKeyGroups {
		d.Groups = append(d.Groups, slCheck{Value: g, Label: s.msg.T(lang, "subsidy.group."+g), Checked: strings.Contains(","+strings.Join(groups, ",")+",", ","+g+",")})
	}
	var opts []xiangpei.EligibilityOption
	if d.Asked {
		if opts, err = s.db.CheckEligibility(r.Context(), ask, s.now()); err != nil {
			if stateOf(r).api || xiangpei.ErrorKind(err) != xiangpei.Invalid {
				s.fail(w, r, err)
				return
			}
			p := s.page(r, s.msg.T(lang, "eligibility.title"), d)
			p.Error = s.msg.Error(lang, err)
			d.Asked = false
			p.Data = d
			s.render(w, r, statusOf(err), "eligibility", p)
			return
		}
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"asked": d.Asked, "person": d.Person, "options": jsonList(opts, eligibilityJSON)})
		return
	}
	for _, o := range opts {
		v := eligibilityView{EligibilityOption: o, Amount: xiangpei.FormatFen(o.Result.AmountFen), LevelName: levelNames[o.Level]}
		for i, st := range s.traceSentences(lang, o.Result.Trace) {
			if xiangpei.IsLaterStep(o.Result.Trace[i].Key) {
				v.Later = append(v.Later, st)
			} else {
				v.Now = append(v.Now, st)
			}
		}
		if o.Eligible {
			d.Eligible++
		}
		d.Options = append(d.Options, v)
	}
	s.render(w, r, http.StatusOK, "eligibility", s.page(r, s.msg.T(lang, "eligibility.title"), d))
}
