package store_test

import (
	"context"
	"reflect"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestSeekerProfiles: preferences save and refuse a stale version or an unknown occupation
// writing nothing; a valid certificate enters the profile (its occupation first, its level, its
// occupation's name as a certificate held); the set-wise reader gives every seeker exactly as
// the one-person reader does, and leaves out a person without preferences; the certificate is
// listed among the person's verified credentials.
func TestSeekerProfiles(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			w := storetest.NewTraining(t, db)
			a := certHolder(t, db, "43021119900101241", "赵四")
			b := certHolder(t, db, "43021119900101251", "钱五")
			certHolder(t, db, "43021119900101261", "孙六") // no preferences: not a seeker
			if _, err := store.Do(ctx, db, w.Admin, func(tx *store.Tx) (xiangpei.Certificate, error) {
				return tx.IssueCertificate(xiangpei.Certificate{Level: "4", PersonID: a.ID, County: "430211", OccupationCode: "4-10-01-05",
					IssuerName: "株洲市职业技能等级认定中心", Source: xiangpei.CertFromAssessment, SourceID: 1})
			}); err != nil {
				t.Fatal(err)
			}
			save := func(p xiangpei.Person, in store.SeekerPrefs, version int) (store.SeekerPrefs, error) {
				return store.Do(ctx, db, xiangpei.Actor{Name: p.Name, Role: xiangpei.RolePerson, PersonID: p.ID}, func(tx *store.Tx) (store.SeekerPrefs, error) {
					return tx.SaveSeekerPrefs(xiangpei.Scope{PersonID: p.ID}, in, version)
				})
			}
			pa, err := save(a, store.SeekerPrefs{Occupations: []string{"6-18-02-04，4-10-01-05"}, Counties: []string{"430211"}, WantFen: 400000,
				Skills: []string{"识图、氩弧焊"}}, 0)
			if err != nil || pa.Version != 1 || len(pa.Occupations) != 2 || pa.WantUnit != xiangpei.PerMonth || !reflect.DeepEqual(pa.Skills, []string{"识图", "氩弧焊"}) {
				t.Fatalf("save: %+v %v", pa, err)
			}
			if _, err := save(a, store.SeekerPrefs{Occupations: []string{"6-18-02-04"}}, 0); !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Fatalf("a second first save: %v", err)
			}
			if _, err := save(a, store.SeekerPrefs{Occupations: []string{"9-99-99-99"}}, 1); !xiangpei.IsKind(err, xiangpei.Invalid) {
				t.Fatalf("unknown occupation: %v", err)
			}
			if _, err := save(a, store.SeekerPrefs{Skills: []string{"一项名字超过二十个字的技能一项名字超过二十个字的技能"}}, 1); !xiangpei.IsKind(err, xiangpei.Invalid) {
				t.Fatalf("a skill of more than 20 characters: %v", err)
			}
			if got, _ := db.SeekerPrefsOf(ctx, a.ID); got.Version != 1 || got.Occupations[0] != "6-18-02-04" {
				t.Fatalf("a refused save changed the preferences: %+v", got)
			}
			if _, err := save(b, store.SeekerPrefs{WorkTypes: []xiangpei.WorkType{xiangpei.GigWork}, HasPlace: true, Lat: 27.8, Lng: 113.1}, 0); err != nil {
				t.Fatal(err)
			}

			one, ok, err := db.SeekerProfile(ctx, a.ID)
			if err != nil || !ok {
				t.Fatalf("profile: %v %v", ok, err)
			}
			if one.Level != "4" || one.Occupations[0] != "4-10-01-05" || len(one.Occupations) != 2 || len(one.Certificates) != 2 ||
				!reflect.DeepEqual(one.Skills, []string{"养老护理员", "识图", "氩弧焊"}) {
				t.Fatalf("profile of the certificate holder: %+v", one)
			}
			all, err := db.SeekerProfiles(ctx)
			if err != nil || len(all) != 2 {
				t.Fatalf("profiles: %d %v", len(all), err)
			}
			for _, p := range all {
				single, _, err := db.SeekerProfile(ctx, p.PersonID)
				if err != nil || !reflect.DeepEqual(single, p) {
					t.Fatalf("set-wise %+v, one by one %+v (%v)", p, single, err)
				}
			}
			creds, err := db.VerifiedCredentials(ctx, a.ID)
			if err != nil || len(creds) != 1 || creds[0].Kind != "certificate" || creds[0].Level != "4" || creds[0].On == "" {
				t.Fatalf("credentials: %+v %v", creds, err)
			}
		})
	}
}
