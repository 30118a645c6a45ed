package main

import "strings"

// ciMarkers are the variables CI systems set in every job, with where each
// is documented. Most set CI=true; Azure Pipelines does not (it sets
// TF_BUILD=True), nor do Jenkins, TeamCity or AWS CodeBuild.
var ciMarkers = []string{
	"CI",                 // GitHub Actions, GitLab CI, Bitbucket, CircleCI, Buildkite, Travis: "true"
	"TF_BUILD",           // Azure Pipelines: "True" (learn.microsoft.com/azure/devops/pipelines/build/variables)
	"GITHUB_ACTIONS",     // GitHub Actions: "true" (docs.github.com, default environment variables)
	"GITLAB_CI",          // GitLab CI: "true" (docs.gitlab.com/ci/variables/predefined_variables)
	"JENKINS_URL",        // Jenkins: the controller's URL (jenkins.io/doc/book/pipeline/jenkinsfile)
	"TEAMCITY_VERSION",   // TeamCity: the server's version (jetbrains.com/help/teamcity, predefined parameters)
	"CODEBUILD_BUILD_ID", // AWS CodeBuild: the build's id (docs.aws.amazon.com/codebuild, build-env-ref-env-vars)
}

// inCI says whether the run is a CI job: one of ciMarkers is set to
// something other than "false" or "0". An explicit CI=false (or 0) wins
// over every other marker, for a user who wants terminal behaviour inside
// a CI shell. In CI no golden is written without an explicit --update: an
// environment variable such as GOLDIE_UPDATE must not accept changes
// silently, and the live progress display is off.
func inCI(getenv func(string) string) bool {
	if falsy(getenv("CI")) {
		return false
	}
	for _, name := range ciMarkers {
		if v := getenv(name); v != "" && !falsy(v) {
			return true
		}
	}
	return false
}

// falsy is an explicitly off value ("false", "False", "0").
func falsy(v string) bool { return v == "0" || strings.EqualFold(v, "false") }
