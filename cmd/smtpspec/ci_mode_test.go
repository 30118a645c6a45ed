package main

import "testing"

func TestInCI(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want bool
	}{
		{"nothing set", nil, false},
		{"CI=true (GitHub, GitLab)", map[string]string{"CI": "true"}, true},
		{"CI=1", map[string]string{"CI": "1"}, true},
		{"Azure Pipelines sets only TF_BUILD=True", map[string]string{"TF_BUILD": "True"}, true},
		{"GitHub marker alone", map[string]string{"GITHUB_ACTIONS": "true"}, true},
		{"GitLab marker alone", map[string]string{"GITLAB_CI": "true"}, true},
		{"Jenkins", map[string]string{"JENKINS_URL": "https://jenkins.example/"}, true},
		{"TeamCity", map[string]string{"TEAMCITY_VERSION": "2025.11"}, true},
		{"AWS CodeBuild", map[string]string{"CODEBUILD_BUILD_ID": "proj:1234"}, true},
		{"CI=false", map[string]string{"CI": "false"}, false},
		{"CI=0", map[string]string{"CI": "0"}, false},
		{"TF_BUILD=False", map[string]string{"TF_BUILD": "False"}, false},
		{"explicit CI=false wins over TF_BUILD", map[string]string{"CI": "false", "TF_BUILD": "True"}, false},
		{"an unrelated variable", map[string]string{"BUILD": "1"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := inCI(testGetenv(tc.env)); got != tc.want {
				t.Errorf("inCI(%v) = %v, want %v", tc.env, got, tc.want)
			}
		})
	}
}
