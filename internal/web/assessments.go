package web

// registerAssessmentRoutes is written by the issue-4 work on this area.
func (s *Server) registerAssessmentRoutes() {}
