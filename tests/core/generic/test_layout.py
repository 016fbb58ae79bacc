"""The shell around every page: the app prefixes lead to their main list, the favicon, the menu that
holds the user and the language on a phone, the public form's radios."""
import re

from django.urls import reverse

from rectify.testing import WorldTestCase

APP_ROOTS = {
    "/enterprises/": "/enterprises/enterprise/",
    "/fieldwork/": "/fieldwork/inspection/",
    "/enforcement/": "/enforcement/complaint/",
    "/reports/": "/reports/weeklyreport/",
    "/targeting/": "/targeting/riskscore/",
    "/prices/": "/prices/priceobservation/",
    "/org/": "/org/region/",
}


class AppRootTests(WorldTestCase):
    def test_each_app_prefix_leads_to_its_main_list(self):
        self.login("shenyang_office")
        for root, target in APP_ROOTS.items():
            response = self.client.get(root)
            self.assertRedirects(response, target, fetch_redirect_response=False, msg_prefix=root)
            self.assertEqual(self.client.get(target).status_code, 200, target)

    def test_the_accounts_prefix_leads_the_system_administrator_to_the_users(self):
        self.login("sysadmin")
        self.assertRedirects(self.client.get("/accounts/"), "/accounts/user/", fetch_redirect_response=False)

    def test_a_user_who_may_see_none_of_an_apps_lists_is_refused_with_a_reason(self):
        self.login("shenyang_office")
        response = self.client.get("/accounts/")
        self.assertEqual(response.status_code, 403)
        self.assertIn("您没有查看此类记录的权限", response.content.decode())

    def test_anonymous_visitors_are_sent_to_log_in(self):
        response = self.client.get("/fieldwork/")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:login")))


class FaviconTests(WorldTestCase):
    def icon_href(self, html: str) -> str:
        return re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html).group(1)

    def test_every_page_links_the_icon_and_it_is_served(self):
        self.login("shenyang_office")
        internal = self.icon_href(self.client.get("/").content.decode())
        self.client.logout()
        public = self.icon_href(self.client.get("/public/").content.decode())
        login = self.icon_href(self.client.get(reverse("accounts:login")).content.decode())
        self.assertEqual({internal, public, login}, {internal})
        response = self.client.get(internal)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/svg+xml")
        self.assertIn(b"<svg", b"".join(response.streaming_content) if response.streaming else response.content)

    def test_favicon_ico_leads_to_the_icon_without_a_login(self):
        response = self.client.get("/favicon.ico")
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response["Location"], self.icon_href(self.client.get("/public/").content.decode()))


class MenuTests(WorldTestCase):
    def test_the_menu_holds_the_user_the_language_and_the_way_out(self):
        user = self.login("shenyang_office")
        html = self.client.get("/").content.decode()
        menu = html.split('id="app-menu"', 1)[1].split("</nav>", 1)[0]
        self.assertIn('data-bs-target="#app-menu"', html)  # the button that opens it on a phone
        self.assertIn(str(user), menu)
        self.assertIn(user.unit.name, menu)
        self.assertIn('id="menu-language"', menu)
        self.assertIn('value="en"', menu)
        self.assertIn('id="menu-logout"', menu)
        self.assertIn("工作台", menu)


class PortalRadioTests(WorldTestCase):
    def test_the_complaint_forms_kind_is_a_row_of_labelled_radios(self):
        html = self.client.get(reverse("portal:complaint")).content.decode()
        group = html.split('<fieldset class="choice-inline" id="id_kind">', 1)[1].split("</fieldset>", 1)[0]
        self.assertIn("<legend", group)
        radios = re.findall(r'<div class="form-check"><input type="radio" name="kind" value="(\w+)" '
                            r'class="form-check-input"[^>]* id="(id_kind_\d)"[^>]*> <label class="form-check-label" '
                            r'for="(id_kind_\d)">([^<]+)</label></div>', group)
        self.assertEqual([(value, label) for value, _id, _for, label in radios],
                         [("complaint", "投诉"), ("tip", "举报")])
        self.assertTrue(all(found == target for _v, found, target, _l in radios))

