# Sourced by bench/web/run.sh, ab.sh and cpu-split.sh and bench/soak/run.sh (not run on its own): creates the account a load test signs in
# with, through the web app's own pages, as a site would.
# The administrator may not give itself a site role (separation of duties, docs/security.md): signed in as the
# administrator, load_account creates the account NAME (unless a previous run left it there), makes it an investigator
# at every site through the admin pages, and NAME replaces the password the administrator chose at its first sign-in,
# as any new user must. It ends signed in as NAME (cookies in $JAR) and fails unless NAME can read the patient list.
# Needs: BASE (the app's URL), JAR (a cookie file), curl.
# usage: load_account ADMIN ADMIN_PASSWORD NAME "DISPLAY NAME" PASSWORD

# The anti-forgery token of the page on standard input.
token() { grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }

# The Cookie header a browser would send from $JAR: every cookie of the site (the session and the anti-forgery cookie).
cookie_header() { awk '$6 ~ /^stroma\./ {printf "%s%s=%s", sep, $6, $7; sep="; "}' "$JAR"; }

# sign_in USER PASSWORD: a fresh session in $JAR.
sign_in() {
  rm -f "$JAR"
  local t
  t=$(curl -fs -c "$JAR" -b "$JAR" "$BASE/account/sign-in" | token)
  curl -fs -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "__RequestVerificationToken=$t" \
    --data-urlencode "UserName=$1" --data-urlencode "Password=$2" "$BASE/account/sign-in"
}

load_account() {
  local admin=$1 admin_password=$2 name=$3 display=$4 password=$5 t user_page page site status
  sign_in "$admin" "$admin_password"
  user_page=$(curl -fs -b "$JAR" "$BASE/admin/users" | grep -o "href=\"/admin/users/[0-9a-f-]*\">$name<" | sed "s/href=\"//; s/\">$name<//" || true)
  if [ -z "$user_page" ]; then
    t=$(curl -fs -b "$JAR" "$BASE/admin/users" | token)
    curl -fs -o /dev/null -b "$JAR" --data-urlencode "__RequestVerificationToken=$t" --data-urlencode "UserName=$name" \
      --data-urlencode "DisplayName=$display" --data-urlencode "Password=First-$password" "$BASE/admin/users"
    user_page=$(curl -fs -b "$JAR" "$BASE/admin/users" | grep -o "href=\"/admin/users/[0-9a-f-]*\">$name<" | sed "s/href=\"//; s/\">$name<//")
    page=$(curl -fs -b "$JAR" "$BASE$user_page")
    for site in $(echo "$page" | grep -o '<option value="[0-9a-f-]\{36\}"' | sed 's/<option value="//; s/"//'); do
      t=$(curl -fs -b "$JAR" "$BASE$user_page" | token)
      curl -s -o /dev/null -b "$JAR" --data-urlencode "__RequestVerificationToken=$t" --data-urlencode "SiteId=$site" \
        --data-urlencode "Role=Investigator" "$BASE$user_page?handler=AddMembership"
    done
    sign_in "$name" "First-$password"
    t=$(curl -fs -b "$JAR" "$BASE/account/password" | token)
    curl -fs -o /dev/null -b "$JAR" --data-urlencode "__RequestVerificationToken=$t" --data-urlencode "CurrentPassword=First-$password" \
      --data-urlencode "NewPassword=$password" --data-urlencode "ConfirmPassword=$password" "$BASE/account/password"
  fi
  sign_in "$name" "$password"
  status=$(curl -fs -b "$JAR" "$BASE/patients" -o /dev/null -w '%{http_code}' || true)
  [ "$status" = 200 ] || { echo "the $name account cannot read the patient list ($status): set-up failed" >&2; return 1; }
}
