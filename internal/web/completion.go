package web

func (s *Server) registerCompletionRoutes() {}
